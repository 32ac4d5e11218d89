// shelfcast eval --data FILE [--models a.shcf,b.shcf] [--baselines naive,...] [--true-mean]
//                [--window W] [--horizon H] [--stores 1-5] [--items 1-10]
//                [--test-from D] [--test-to D] [--lenient] [--json OUT] [--markdown OUT]
// The protocol's results table: every model and baseline on the same test pairs.
// Markdown on stdout (and in --markdown), JSON with per-series metrics in --json.
#include <cstdio>
#include <memory>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/file.h"
#include "data/csv.h"
#include "eval/report.h"

namespace shelfcast::cli {
namespace {

struct EvalArgs {
  std::string data;
  std::vector<std::string> models;
  std::vector<std::string> baselines = {"naive", "seasonal-naive", "weekday-mean:4"};
  bool true_mean = false;
  uint32_t window = 30;
  uint32_t horizon = 1;
  std::string stores = "1-5";
  std::string items = "1-10";
  std::string test_from = "2017-01-01";
  std::string test_to = "2017-12-31";
  bool lenient = false;
  std::string json;
  std::string markdown;
};

std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void RunEval(const EvalArgs& args) {
  CsvOptions csv;
  csv.lenient = args.lenient;
  const SalesData data = Check(ReadSalesCsvFile(args.data, csv));
  if (data.skipped_rows)
    std::fprintf(stderr, "%s: skipped %zu bad rows (lenient), the first: %s\n", args.data.c_str(), data.skipped_rows,
                 data.skipped_messages.front().c_str());

  EvalRequest request;
  Result<std::vector<int32_t>> stores = ParseIdRanges(args.stores);
  Check(stores.status().WithContext("--stores"));
  Result<std::vector<int32_t>> items = ParseIdRanges(args.items);
  Check(items.status().WithContext("--items"));
  request.protocol.stores = *stores;
  request.protocol.items = *items;
  request.protocol.window = args.window;
  request.protocol.horizon = args.horizon;
  if (!ParseIsoDate(args.test_from, &request.protocol.test_first))
    throw CommandError("--test-from '" + args.test_from + "' is not a YYYY-MM-DD date");
  if (!ParseIsoDate(args.test_to, &request.protocol.test_last))
    throw CommandError("--test-to '" + args.test_to + "' is not a YYYY-MM-DD date");

  std::vector<std::unique_ptr<Forecaster>> forecasters;
  for (const std::string& path : args.models) {
    forecasters.push_back(std::make_unique<Forecaster>(Check(Forecaster::Create(LoadModelFile(path)))));
    request.models.push_back({FileName(path), forecasters.back().get()});
  }
  request.baselines.clear();
  for (const std::string& name : args.baselines) {
    Result<Baseline> b = ParseBaseline(name);
    Check(b.status().WithContext("--baselines"));
    request.baselines.push_back(*b);
  }
  if (args.true_mean) request.baselines.push_back({BaselineKind::kTrueMean, 0});

  const EvalReport report = Check(RunEvaluation(data, request));
  const std::string markdown = FormatMarkdown(report, FileName(args.data));
  std::fputs(markdown.c_str(), stdout);
  if (!args.markdown.empty()) Check(WriteFileAtomic(args.markdown, markdown));
  if (!args.json.empty()) Check(WriteFileAtomic(args.json, ReportJson(report, FileName(args.data)).dump(2) + "\n"));
}

}  // namespace

void RegisterEval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Score models and baselines on the protocol's test set (Markdown, JSON)");
  cmd->add_option("--data", args->data, "Sales CSV (date,store,item,sales or date,series,value)")->required();
  cmd->add_option("--models", args->models, "Model files (.shcf), comma-separated")->delimiter(',');
  cmd->add_option("--baselines", args->baselines,
                  "Baselines: naive, seasonal-naive, weekday-mean[:K], true-mean (default: the first three)")
      ->delimiter(',');
  cmd->add_flag("--true-mean", args->true_mean,
                "Add the generator's true mean mu (an oracle: meaningful only on `shelfcast generate` data)");
  cmd->add_option("--window", args->window, "Window of the baselines' split (models use their own)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--horizon", args->horizon, "Days forecast from each window (the protocol: 1)")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  cmd->add_option("--stores", args->stores, "Stores, e.g. 1-5 or 1,3 (store-item data)")->capture_default_str();
  cmd->add_option("--items", args->items, "Items, e.g. 1-10 (store-item data)")->capture_default_str();
  cmd->add_option("--test-from", args->test_from, "First test day")->capture_default_str();
  cmd->add_option("--test-to", args->test_to, "Last test day")->capture_default_str();
  cmd->add_flag("--lenient", args->lenient, "Skip bad CSV rows (counted on stderr) instead of stopping");
  cmd->add_option("--json", args->json, "Write the report as JSON (with per-series metrics)");
  cmd->add_option("--markdown", args->markdown, "Write the Markdown table to a file too");
  cmd->callback([args] { RunEval(*args); });
}

}  // namespace shelfcast::cli
