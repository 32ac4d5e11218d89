// shelfcast inspect MODEL [--json]: architecture, tensors and their encodings, sizes.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "format/encoding.h"
#include "lstm/forecaster.h"

namespace shelfcast::cli {
namespace {

struct InspectArgs {
  std::string model;
  bool json = false;
};

void RunInspect(const InspectArgs& args) {
  size_t file_bytes = 0;
  Model model = LoadModelFile(args.model, &file_bytes);
  const std::string kernels = Check(Forecaster::Create(model)).DescribeKernels();
  size_t stored = 0;
  for (const Layer& l : model.layers)
    for (const Tensor& t : l.tensors) stored += t.StoredCount();

  if (args.json) {
    nlohmann::json j;
    j["file"] = args.model;
    j["file_bytes"] = file_bytes;
    j["format_version"] = 1;
    j["window"] = model.window;
    j["horizon"] = model.horizon;
    j["normalisation"] = {{"kind", NormKindName(model.norm)}, {"offset", model.norm_offset},
                          {"scale", model.norm_scale}};
    j["calendar"] = {{"day_of_week", (model.calendar & kCalendarDayOfWeek) != 0},
                     {"month", (model.calendar & kCalendarMonth) != 0}};
    j["input_features"] = model.input_features();
    j["parameters"] = model.parameter_count();
    j["stored_parameters"] = stored;
    j["kernels"] = kernels;
    for (size_t li = 0; li < model.layers.size(); ++li) {
      const Layer& l = model.layers[li];
      nlohmann::json lj = {{"kind", LayerKindName(l.kind)}, {"inputs", l.inputs}, {"units", l.units},
                           {"activation", ActivationName(l.activation)}};
      if (l.kind == LayerKind::kLstm) lj["recurrent_activation"] = ActivationName(l.recurrent_activation);
      for (const Tensor& t : l.tensors)
        lj["tensors"].push_back({{"name", TensorName(model, li, t.role)}, {"rows", t.rows}, {"cols", t.cols},
                                 {"encoding", EncodingName(t.encoding)}, {"stored", t.StoredCount()},
                                 {"bytes", EncodedTensorBytes(t)}});
      j["layers"].push_back(lj);
    }
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }

  std::printf("%s: %s bytes, shelfcast model format v1, checksum ok\n", args.model.c_str(),
              WithThousands(file_bytes).c_str());
  std::printf("window %u days, default horizon %u, normalisation %s (offset %g, scale %g)\n", model.window,
              model.horizon, NormKindName(model.norm), model.norm_offset, model.norm_scale);
  std::printf("inputs per step: %u (sales%s%s)\n", model.input_features(),
              (model.calendar & kCalendarDayOfWeek) ? " + weekday one-hot" : "",
              (model.calendar & kCalendarMonth) ? " + month one-hot" : "");
  for (size_t li = 0; li < model.layers.size(); ++li) {
    const Layer& l = model.layers[li];
    if (l.kind == LayerKind::kLstm) {
      std::printf("  %s%zu  LSTM(%u) over %u inputs, recurrent activation %s\n", LayerKindName(l.kind), li,
                  l.units, l.inputs, ActivationName(l.recurrent_activation));
    } else {
      std::printf("  %s%zu  Dense(%u) over %u inputs, activation %s\n", LayerKindName(l.kind), li, l.units,
                  l.inputs, ActivationName(l.activation));
    }
    for (const Tensor& t : l.tensors) {
      const std::string name = TensorName(model, li, t.role);
      std::printf("    %-26s %4ux%-5u %-12s %8s stored %8s bytes\n", name.c_str(), t.rows, t.cols,
                  EncodingName(t.encoding), WithThousands(t.StoredCount()).c_str(),
                  WithThousands(EncodedTensorBytes(t)).c_str());
    }
  }
  std::printf("parameters: %s (%s stored); article's float parameter bytes: %s\n",
              WithThousands(model.parameter_count()).c_str(), WithThousands(stored).c_str(),
              WithThousands(4 * model.parameter_count()).c_str());
  std::printf("kernels: %s\n", kernels.c_str());
}

}  // namespace

void RegisterInspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = ParentCommand(app, "inspect", "Show a model file's architecture, tensors, encodings and sizes");
  // Not required(): `inspect keras FILE` (cmd_inspect_keras.cpp) is a subcommand of inspect.
  cmd->add_option("model", args->model, "Model file (.shcf)");
  cmd->add_flag("--json", args->json, "Print JSON instead of text");
  cmd->callback([args, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    if (args->model.empty()) throw CommandError("inspect needs a model file: shelfcast inspect MODEL [--json]");
    RunInspect(*args);
  });
}

}  // namespace shelfcast::cli
