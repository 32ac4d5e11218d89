// shelfcast export onnx MODEL --out FILE.onnx [--graph full|core]
// Writes a model as ONNX (interop/onnx/onnx.h): float LSTM layers as ONNX LSTM, int8
// ones as com.microsoft::DynamicQuantizeLSTM, Dense layers as Gemm, normalisation as ops
// (full) or left to the caller (core: the graph the benchmark runs).
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/file.h"
#include "interop/onnx/onnx.h"

namespace shelfcast::cli {
namespace {

struct ExportArgs {
  std::string model;
  std::string out;
  std::string graph = "full";
};

void RunExportOnnx(const ExportArgs& args) {
  const Model model = LoadModelFile(args.model);
  onnx::ExportOptions options;
  options.graph = args.graph == "core" ? onnx::ExportGraph::kCore : onnx::ExportGraph::kFull;
  const std::vector<uint8_t> bytes = Check(onnx::ExportOnnx(model, options));
  Check(WriteFileAtomic(args.out, bytes.data(), bytes.size()));
  std::printf("wrote %s: ONNX opset %lld, %s graph, %s bytes\n", args.out.c_str(),
              static_cast<long long>(onnx::kExportOpset), args.graph.c_str(), WithThousands(bytes.size()).c_str());
}

}  // namespace

void RegisterExport(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("export", "Export a model to another format");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ExportArgs>();
  CLI::App* onnx = cmd->add_subcommand("onnx", "Write the model as an ONNX file (LSTM + Gemm head)");
  onnx->add_option("model", args->model, "Model file (.shcf)")->required();
  onnx->add_option("--out", args->out, "Output ONNX file")->required();
  onnx->add_option("--graph", args->graph,
                   "full: raw sales in, sales out (normalisation as ops); core: normalised [window, batch, "
                   "features] in, normalised y out")
      ->check(CLI::IsMember({"full", "core"}));
  onnx->callback([args] { RunExportOnnx(*args); });
}

}  // namespace shelfcast::cli
