// shelfcast import onnx FILE.onnx --out MODEL [--window N] [--norm-offset X --norm-scale Y]
// Reads a single-layer LSTM forecaster written by tf2onnx (Keras), torch.onnx.export
// (nn.LSTM + nn.Linear) or `shelfcast export onnx` (interop/onnx/onnx.h lists the graph
// shapes it accepts) and writes it as a shelfcast model.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/file.h"
#include "interop/onnx/onnx.h"

namespace shelfcast::cli {
namespace {

struct ImportArgs {
  std::string file;
  std::string out;
  uint32_t window = 0;
  float norm_offset = 0.f;
  float norm_scale = 1.f;
  bool norm_given = false;
};

void RunImportOnnx(const ImportArgs& args) {
  const std::vector<uint8_t> bytes = Check(ReadFileBytes(args.file, onnx::caps::kMaxFileBytes));
  onnx::ImportOptions options;
  options.window = args.window;
  options.set_normalisation = args.norm_given;
  options.norm_offset = args.norm_offset;
  options.norm_scale = args.norm_scale;
  Result<Model> model = onnx::ImportOnnx(bytes.data(), bytes.size(), options);
  Check(model.status().WithContext(args.file));
  const size_t written = SaveModelFile(*model, args.out);
  const Layer& lstm = model->layers.front();
  std::printf("wrote %s: LSTM(%u) window %u, %s normalisation, %s parameters, %s bytes\n", args.out.c_str(),
              lstm.units, model->window, NormKindName(model->norm), WithThousands(model->parameter_count()).c_str(),
              WithThousands(written).c_str());
}

}  // namespace

void RegisterImport(CLI::App& app) {
  CLI::App* cmd = ParentCommand(app, "import", "Convert a model trained elsewhere to a shelfcast model file");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();
  CLI::App* onnx = cmd->add_subcommand("onnx", "Read an ONNX LSTM forecaster (tf2onnx, torch.onnx, shelfcast)");
  onnx->add_option("file", args->file, "ONNX file")->required();
  onnx->add_option("--out", args->out, "Output model file (.shcf)")->required();
  onnx->add_option("--window", args->window, "Window length, when the graph's time axis is symbolic")
      ->check(CLI::Range(1, 1024));
  CLI::Option* offset = onnx->add_option("--norm-offset", args->norm_offset,
                                         "Normalisation done outside the graph: x' = (x - offset) / scale");
  CLI::Option* scale = onnx->add_option("--norm-scale", args->norm_scale, "See --norm-offset")
                           ->check(CLI::PositiveNumber);
  offset->needs(scale);
  scale->needs(offset);
  onnx->callback([args, offset] {
    args->norm_given = offset->count() > 0;
    RunImportOnnx(*args);
  });
}

}  // namespace shelfcast::cli
