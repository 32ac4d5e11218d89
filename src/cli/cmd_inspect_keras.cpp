// shelfcast inspect keras FILE [--json] [--window W]
// Lists the layers a Keras file holds, with their settings and weights, and whether
// `shelfcast import keras` takes it (or why not).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "interop/keras/keras_import.h"

namespace shelfcast::cli {
namespace {

struct InspectKerasArgs {
  std::string file;
  uint32_t window = 0;
  bool json = false;
};

std::string Dims(const std::vector<uint64_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s.empty() ? "scalar" : s;
}

void RunInspectKeras(const InspectKerasArgs& args) {
  Result<keras::KerasFile> opened = keras::OpenKerasFile(args.file);
  // I/O errors already name the file.
  Check(opened.status().code() == StatusCode::kIo ? opened.status() : opened.status().WithContext(args.file));
  keras::KerasImportOptions options;
  options.window = args.window;
  Result<keras::KerasModelInfo> inspected = keras::InspectKeras(opened.value(), options);
  Check(inspected.status().WithContext(args.file));
  const keras::KerasModelInfo& info = inspected.value();

  if (args.json) {
    nlohmann::json j;
    j["file"] = args.file;
    j["format"] = info.format;
    j["keras_version"] = info.keras_version;
    j["backend"] = info.backend;
    j["model_class"] = info.model_class;
    j["model_name"] = info.model_name;
    j["inputs"] = info.inputs;
    j["layers"] = nlohmann::json::array();
    for (const keras::KerasLayerInfo& l : info.layers) {
      nlohmann::json lj = {{"name", l.name}, {"class_name", l.class_name}};
      lj["settings"] = nlohmann::json::object();
      for (const auto& [key, value] : l.settings) lj["settings"][key] = value;
      lj["weights"] = nlohmann::json::array();
      for (const keras::KerasWeightInfo& w : l.weights)
        lj["weights"].push_back({{"path", w.path}, {"shape", w.dims}, {"type", w.type}});
      j["layers"].push_back(lj);
    }
    j["importable"] = info.importable.ok();
    if (info.importable.ok()) {
      j["architecture"] = info.architecture;
    } else {
      j["refusal"] = info.importable.message();
    }
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }

  std::printf("%s: %s", args.file.c_str(), info.format.c_str());
  if (!info.keras_version.empty()) std::printf(", saved by Keras %s", info.keras_version.c_str());
  if (!info.backend.empty()) std::printf(" (%s backend)", info.backend.c_str());
  std::printf("\nmodel '%s' (%s), %zu layers\n", info.model_name.c_str(), info.model_class.c_str(), info.layers.size());
  for (const keras::KerasLayerInfo& l : info.layers) {
    std::printf("  %s (%s)\n", l.name.c_str(), l.class_name.c_str());
    if (!l.settings.empty()) {
      std::string line;
      for (const auto& [key, value] : l.settings) line += (line.empty() ? "" : ", ") + key + "=" + value;
      std::printf("    %s\n", line.c_str());
    }
    for (const keras::KerasWeightInfo& w : l.weights)
      std::printf("    %s  %s %s\n", w.path.c_str(), Dims(w.dims).c_str(), w.type.c_str());
  }
  if (info.importable.ok()) {
    std::printf("import keras: ok: %s\n", info.architecture.c_str());
  } else {
    std::printf("import keras: refused: %s\n", info.importable.message().c_str());
  }
}

}  // namespace

void RegisterInspectKeras(CLI::App& app) {
  CLI::App* parent = ParentCommand(app, "inspect", "Show a model file's architecture, tensors, encodings and sizes");
  auto args = std::make_shared<InspectKerasArgs>();
  CLI::App* cmd = parent->add_subcommand(
      "keras", "List the layers of a Keras .h5 / .keras file, their settings and weights, and whether it imports");
  cmd->add_option("file", args->file, "Keras model file (Keras 2 .h5 or Keras 3 .keras)")->required();
  cmd->add_option("--window", args->window, "Window to check the import with (default: as import keras)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--json", args->json, "Print JSON instead of text");
  cmd->callback([args] { RunInspectKeras(*args); });
}

}  // namespace shelfcast::cli
