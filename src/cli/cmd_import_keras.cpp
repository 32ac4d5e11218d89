// shelfcast import keras FILE --out MODEL [--window W] [--horizon H]
//                   [--norm global|window-mean] [--norm-offset X] [--norm-scale Y]
// Converts a Keras forecaster (Keras 2 .h5 or Keras 3 .keras) to a shelfcast model file;
// refuses, naming the layer and the setting, anything shelfcast cannot run exactly
// (interop/keras/keras_import.h).
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "interop/keras/keras_import.h"

namespace shelfcast::cli {
namespace {

struct ImportKerasArgs {
  std::string file;
  std::string out;
  uint32_t window = 0;
  uint32_t horizon = 1;
  std::string norm = "global";
  float norm_offset = 0.f;
  float norm_scale = 1.f;
};

void RunImportKeras(const ImportKerasArgs& args, bool offset_given, bool scale_given) {
  keras::KerasImportOptions options;
  options.window = args.window;
  options.horizon = args.horizon;
  if (args.norm == "global") {
    options.norm = NormKind::kGlobal;
  } else if (args.norm == "window-mean") {
    options.norm = NormKind::kWindowMean;
    if (scale_given) throw CommandError("--norm-scale applies to --norm global only (window-mean divides by the window's mean)");
  } else {
    throw CommandError("--norm takes global or window-mean, not '" + args.norm + "'");
  }
  if (offset_given) options.norm_offset = args.norm_offset;
  if (scale_given) options.norm_scale = args.norm_scale;

  Result<keras::KerasFile> opened = keras::OpenKerasFile(args.file);
  // I/O errors already name the file.
  Check(opened.status().code() == StatusCode::kIo ? opened.status() : opened.status().WithContext(args.file));
  const keras::KerasFile& file = opened.value();
  Result<Model> model = keras::ImportKeras(file, options);
  Check(model.status().WithContext(args.file));
  const size_t bytes = SaveModelFile(*model, args.out);
  std::printf("wrote %s: %s model from %s", args.out.c_str(), file.format_name(), args.file.c_str());
  if (!file.keras_version.empty()) std::printf(" (Keras %s)", file.keras_version.c_str());
  std::printf("\n  ");
  for (size_t i = 0; i < model->layers.size(); ++i) {
    const Layer& l = model->layers[i];
    if (i) std::printf(" -> ");
    if (l.kind == LayerKind::kLstm) {
      std::printf("LSTM(%u, %s)", l.units, ActivationName(l.recurrent_activation));
    } else {
      std::printf("Dense(%u, %s)", l.units, ActivationName(l.activation));
    }
  }
  std::printf(" over %u input feature%s, window %u, normalisation %s (offset %g, scale %g)\n",
              model->input_features(), model->input_features() == 1 ? "" : "s", model->window,
              NormKindName(model->norm), model->norm_offset, model->norm_scale);
  std::printf("  %s parameters, %s bytes\n", WithThousands(model->parameter_count()).c_str(),
              WithThousands(bytes).c_str());
}

}  // namespace

void RegisterImportKeras(CLI::App& app) {
  CLI::App* parent = ParentCommand(app, "import", "Convert a model trained elsewhere to a shelfcast model file");
  parent->require_subcommand(1);
  auto args = std::make_shared<ImportKerasArgs>();
  CLI::App* cmd = parent->add_subcommand(
      "keras", "Import a Keras forecaster [LSTM (1 or 2), optional Dense layers, Dense(1)] from .h5 or .keras");
  cmd->add_option("file", args->file, "Keras model file (Keras 2 .h5 or Keras 3 .keras)")->required();
  cmd->add_option("--out", args->out, "Output model file (.shcf)")->required();
  cmd->add_option("--window", args->window,
                  "Days per forecast window (default: the model's input length if fixed, else 30)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--horizon", args->horizon, "Default days to forecast (default 1)")->check(CLI::Range(1, 366));
  cmd->add_option("--norm", args->norm,
                  "Input normalisation the Keras model was trained with: global (x - offset) / scale, or "
                  "window-mean x / (mean(window) + offset) (default global)");
  CLI::Option* offset = cmd->add_option("--norm-offset", args->norm_offset,
                                        "Normalisation offset (default 0 for global, 1 for window-mean)");
  CLI::Option* scale = cmd->add_option("--norm-scale", args->norm_scale, "Global normalisation scale (default 1)");
  cmd->callback([args, offset, scale] { RunImportKeras(*args, offset->count() > 0, scale->count() > 0); });
}

}  // namespace shelfcast::cli
