// shelfcast compress int8 --model IN [--mode dynamic|full-integer]
//                         [--calibration FILE | --calibration-csv SALES | --calibration-seed S]
//                         [--calibration-count N] --out OUT [--report R.json]
// shelfcast compress sparse --model IN [--prune FRACTION [--block N]] --out OUT [--report R.json]
//
// int8: post-training quantisation (compress/compress.h, QuantizeInt8); full-integer
// adds static activation scales calibrated either on the windows of FILE (one window per
// line: comma-separated sales, optionally preceded by the first forecast day YYYY-MM-DD)
// or on N training windows of a sales CSV or of generated data with seed S (the
// protocol's training period of stores 1-5 x items 1-10, eval/protocol.h, taken evenly).
// Tensors with enough zeros are stored sparse. sparse: re-encodes the weights sparse
// where smaller, after an optional one-shot magnitude pruning (no fine-tuning).
// --report writes a JSON summary (source model, mode, bytes, encodings) that
// `shelfcast manifest add --train-report` reads (it keeps "source_model").
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/data_args.h"
#include "compress/compress.h"
#include "core/file.h"
#include "core/limits.h"
#include "data/csv.h"
#include "eval/protocol.h"
#include "format/encoding.h"

namespace shelfcast::cli {
namespace {

struct Int8Args {
  std::string model, mode = "dynamic", calibration, calibration_csv, out, report;
  int64_t calibration_seed = -1;
  size_t calibration_count = 1000;
};

struct SparseArgs {
  std::string model, out, report;
  double prune = -1.0;
  uint32_t block = 1;
};

// Evenly spaced training windows of the protocol split (over series and days).
std::vector<CalibrationWindow> TrainingWindows(const ProtocolSplit& split, size_t count) {
  std::vector<CalibrationWindow> windows;
  const WindowSet& train = split.train;
  const size_t n = std::min(count, train.size());
  for (size_t k = 0; k < n; ++k) {
    const size_t i = k * train.size() / n;
    windows.push_back({std::vector<float>(train.input(i), train.input(i) + train.window), train.target_days[i]});
  }
  return windows;
}

void WriteReport(const std::string& path, const std::string& source, const std::string& operation,
                 const Model& model, size_t in_bytes, size_t out_bytes, nlohmann::json extra) {
  if (path.empty()) return;
  nlohmann::json r = std::move(extra);
  r["source_model"] = source;
  r["operation"] = operation;
  r["source_file_bytes"] = in_bytes;
  r["file_bytes"] = out_bytes;
  nlohmann::json encodings = nlohmann::json::object();
  for (size_t li = 0; li < model.layers.size(); ++li)
    for (const Tensor& t : model.layers[li].tensors) encodings[TensorName(model, li, t.role)] = EncodingName(t.encoding);
  r["encodings"] = encodings;
  Check(WriteFileAtomic(path, r.dump(2) + "\n"));
}

void PrintSummary(const Model& model, size_t in_bytes, size_t out_bytes, const std::string& out) {
  std::printf("wrote %s: %s bytes (input %s bytes, %.2fx smaller)\n", out.c_str(), WithThousands(out_bytes).c_str(),
              WithThousands(in_bytes).c_str(), static_cast<double>(in_bytes) / static_cast<double>(out_bytes));
  for (size_t li = 0; li < model.layers.size(); ++li)
    for (const Tensor& t : model.layers[li].tensors)
      std::printf("  %-28s %-12s %8s bytes\n", TensorName(model, li, t.role).c_str(), EncodingName(t.encoding),
                  WithThousands(EncodedTensorBytes(t)).c_str());
}

void RunInt8(const Int8Args& args) {
  size_t in_bytes = 0;
  const Model model = LoadModelFile(args.model, &in_bytes);
  QuantizeOptions options;
  if (args.mode == "full-integer") {
    options.mode = QuantizeMode::kFullInteger;
    if (args.calibration.empty() && args.calibration_csv.empty() && args.calibration_seed < 0)
      throw CommandError(
          "--mode full-integer needs --calibration FILE, --calibration-csv SALES or --calibration-seed S (training "
          "windows)");
  } else if (args.mode != "dynamic") {
    throw CommandError("--mode takes dynamic or full-integer, not '" + args.mode + "'");
  }
  if (!args.calibration.empty()) {
    const std::vector<uint8_t> bytes = Check(ReadFileBytes(args.calibration, limits::kMaxCsvBytes));
    Result<std::vector<CalibrationWindow>> windows =
        ParseCalibrationWindows(std::string(bytes.begin(), bytes.end()), model.window);
    Check(windows.status().WithContext(args.calibration));
    options.calibration = std::move(windows).value();
  }
  if (!args.calibration_csv.empty()) {
    const SalesData data = Check(ReadSalesCsvFile(args.calibration_csv));
    ProtocolOptions protocol;
    protocol.window = model.window;
    const ProtocolSplit split = Check(MakeProtocolSplit(data, protocol));
    options.calibration = TrainingWindows(split, args.calibration_count);
  }
  if (args.calibration_seed >= 0) {
    DataArgs data;
    data.generated_seed = static_cast<uint64_t>(args.calibration_seed);
    options.calibration = TrainingWindows(LoadSplit(data, model.window), args.calibration_count);
  }
  const Model out = Check(QuantizeInt8(model, options));
  const size_t out_bytes = SaveModelFile(out, args.out);
  PrintSummary(out, in_bytes, out_bytes, args.out);
  nlohmann::json extra = {{"mode", args.mode}};
  if (options.mode == QuantizeMode::kFullInteger) extra["calibration_windows"] = options.calibration.size();
  WriteReport(args.report, args.model, "int8", out, in_bytes, out_bytes, extra);
}

void RunSparse(const SparseArgs& args) {
  size_t in_bytes = 0;
  Model model = LoadModelFile(args.model, &in_bytes);
  if (args.prune >= 0.0) Check(PruneByMagnitude(&model, args.prune, args.block));
  SparsifyWhenSmaller(&model);
  const size_t out_bytes = SaveModelFile(model, args.out);
  PrintSummary(model, in_bytes, out_bytes, args.out);
  nlohmann::json extra = nlohmann::json::object();
  if (args.prune >= 0.0) extra = {{"one_shot_prune", args.prune}, {"block", args.block}};
  WriteReport(args.report, args.model, "sparse", model, in_bytes, out_bytes, extra);
}

}  // namespace

void RegisterCompress(CLI::App& app) {
  CLI::App* cmd = ParentCommand(app, "compress", "Compress a model: int8 quantisation, sparse encodings, pruning");
  cmd->require_subcommand(1);

  auto int8 = std::make_shared<Int8Args>();
  CLI::App* q = cmd->add_subcommand("int8", "Post-training int8 quantisation (per-channel symmetric weights)");
  q->add_option("--model", int8->model, "Input model file")->required();
  q->add_option("--mode", int8->mode, "dynamic (int8 weights, float cell) or full-integer (integer LSTM)");
  CLI::Option* from_file =
      q->add_option("--calibration", int8->calibration, "Windows for full-integer calibration (one per line)");
  CLI::Option* from_csv = q->add_option("--calibration-csv", int8->calibration_csv,
                                        "Sales CSV: calibrate on the protocol's training windows");
  q->add_option("--calibration-seed", int8->calibration_seed,
                "Generated data with this seed: calibrate on its protocol training windows")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 62))
      ->excludes(from_file)
      ->excludes(from_csv);
  q->add_option("--calibration-count", int8->calibration_count,
                "Training windows taken from the CSV or generated data (default 1000)")
      ->check(CLI::Range(1, 1000000));
  q->add_option("--out", int8->out, "Output model file")->required();
  q->add_option("--report", int8->report, "Write a JSON summary here (for manifest add --train-report)");
  q->callback([int8] { RunInt8(*int8); });

  auto sparse = std::make_shared<SparseArgs>();
  CLI::App* s = cmd->add_subcommand("sparse", "Store weights with zeros in sparse encodings where smaller");
  s->add_option("--model", sparse->model, "Input model file")->required();
  s->add_option("--prune", sparse->prune, "One-shot magnitude pruning of the LSTM weights to this sparsity (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  s->add_option("--block", sparse->block, "Prune blocks of N consecutive output columns (1 or 4)")->check(CLI::Range(1, 64));
  s->add_option("--out", sparse->out, "Output model file")->required();
  s->add_option("--report", sparse->report, "Write a JSON summary here (for manifest add --train-report)");
  s->callback([sparse] { RunSparse(*sparse); });
}

}  // namespace shelfcast::cli
