// shelfcast pipeline (pipeline/run.h) end to end on small generated files: a first run,
// a warm-started rerun on a longer file with before/after MAPE and a gate rejection, an
// unchanged rerun that does nothing, and failing runs that leave the shipped set
// byte-identical. Small on purpose (2 stores x 2 items, LSTM-8, a few epochs): the whole
// file runs in seconds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "core/date.h"
#include "core/file.h"
#include "data/generator.h"
#include "pipeline/config.h"
#include "pipeline/generations.h"
#include "pipeline/manifest.h"
#include "pipeline/run.h"

using namespace shelfcast;
using namespace shelfcast::pipeline;
namespace fs = std::filesystem;

namespace {

// A fresh scratch directory per test case (ctest runs test cases as processes).
fs::path Scratch(const std::string& name) {
  const fs::path dir = fs::path(SHELFCAST_BINARY_DIR) / "pipeline_test" / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// `shelfcast generate --stores 2 --items 2 --from 2013-01-01 --to LAST`: the generator
// draws each series from its own stream, so the longer file starts with the shorter one's
// rows of every series.
std::string GeneratedFile(const fs::path& dir, const std::string& name, int last_year) {
  GeneratorOptions g;
  g.seed = 7;
  g.stores = 2;
  g.items = 2;
  g.last_day = DaysFromCivil(last_year, 12, 31);
  const std::string path = (dir / name).string();
  REQUIRE(WriteFileAtomic(path, FormatStoreItemCsv(GenerateSales(g).value())).ok());
  return path;
}

std::string WriteText(const fs::path& dir, const std::string& name, const std::string& text) {
  const std::string path = (dir / name).string();
  REQUIRE(WriteFileAtomic(path, text).ok());
  return path;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every file of the shipped set (through the link) and the link's target.
std::map<std::string, std::string> Snapshot(const fs::path& out) {
  std::map<std::string, std::string> files;
  files["<link>"] = fs::read_symlink(out).string();
  for (const fs::directory_entry& e : fs::directory_iterator(out))
    files[e.path().filename().string()] = ReadText(e.path());
  return files;
}

// Siblings of DIR other than DIR, DIR.lock and the generations DIR.<n> in `keep`.
std::vector<std::string> Leftovers(const fs::path& out, std::vector<int> keep) {
  std::vector<std::string> extra;
  const std::string base = out.filename().string();
  for (const fs::directory_entry& e : fs::directory_iterator(out.parent_path())) {
    const std::string name = e.path().filename().string();
    if (name.compare(0, base.size(), base) != 0 || name == base || name == base + ".lock") continue;
    bool kept = false;
    for (int n : keep) kept = kept || name == base + "." + std::to_string(n);
    if (!kept) extra.push_back(name);
  }
  return extra;
}

// Baseline LSTM-8 and four variants; "tight" must beat the baseline by 20 points of MAPE
// to ship, which no model can on Poisson sales (the true mean's MAPE is far above 0).
const char* kConfig = R"({
  "baseline": {"name": "lstm8", "hidden": 8, "window": 14},
  "training": {"epochs": 3, "warm_start_epochs": 1, "patience": 0, "batch": 64, "lr": 0.01,
               "warm_start_lr": 0.003, "sample_fraction": 0.5, "threads": 1, "seed": 3},
  "holdout": {"validation_days": 61},
  "gate": {"max_mape_increase": 100},
  "variants": [
    {"name": "lstm4", "technique": "sizing", "hidden": 4},
    {"name": "lstm8-p50", "technique": "pruning", "sparsity": 0.5, "prune_epochs": 1, "finetune_epochs": 1},
    {"name": "lstm8-int8", "technique": "int8"},
    {"name": "lstm8-p50-int8", "technique": "stacked", "source": "lstm8-p50"},
    {"name": "tight", "technique": "int8", "max_mape_increase": -20}
  ]
})";

const Json* Row(const Json& report, const std::string& name) {
  for (const Json& m : report["models"])
    if (m["name"] == name) return &m;
  return nullptr;
}

}  // namespace

TEST_CASE("pipeline: a first run, then a warm-started rerun on a longer file with before/after MAPE and a gate "
          "rejection",
          "[pipeline][run]") {
  const fs::path dir = Scratch("rerun");
  const std::string short_file = GeneratedFile(dir, "sales-2015.csv", 2015);
  const std::string long_file = GeneratedFile(dir, "sales-2016.csv", 2016);
  const std::string config = WriteText(dir, "pipeline.json", kConfig);
  const fs::path out = dir / "shipped";
  std::vector<std::string> lines;
  PipelineOptions o;
  o.config = config;
  o.out = out.string();
  o.log = [&](const std::string& line) { lines.push_back(line); };

  // First run: cold, holdout = 2015 (the last year of the file).
  o.data = short_file;
  const PipelineOutcome first = RunPipeline(o);
  CHECK_FALSE(first.up_to_date);
  CHECK(first.generation == 1);
  CHECK(fs::read_symlink(out) == "shipped.1");
  const Json& r1 = first.report;
  CHECK(r1["warm_start"] == false);
  CHECK(r1["holdout"]["test_from"] == "2015-01-01");
  CHECK(r1["holdout"]["test_to"] == "2015-12-31");
  CHECK(r1["holdout"]["validation_from"] == "2014-11-01");
  CHECK(r1["holdout"]["test_windows"] == 4 * 365);
  REQUIRE(Row(r1, "lstm8") != nullptr);
  CHECK((*Row(r1, "lstm8"))["cold_start_reason"] == "first run");
  CHECK((*Row(r1, "lstm8"))["max_epochs"] == 3);
  CHECK((*Row(r1, "lstm8"))["epochs"] == 3);  // patience 0: no early stop
  CHECK((*Row(r1, "lstm8"))["previous_mape"].is_null());
  // Progress: the stages and the trainer's epoch lines.
  CHECK(lines.front() == "[1/6] config and data");
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.rfind("  lstm8 epoch ", 0) == 0;
        }) == 3);

  // The tight variant is rejected with its reason; the others ship (budget +100).
  const Json& tight = *Row(r1, "tight");
  CHECK(tight["status"] == "rejected");
  CHECK(tight["file"].is_null());
  CHECK_FALSE(fs::exists(out / "tight.shcf"));
  for (const char* name : {"lstm4", "lstm8-p50", "lstm8-int8", "lstm8-p50-int8"}) {
    INFO(name);
    CHECK((*Row(r1, name))["status"] == "shipped");
    CHECK(fs::exists(out / (std::string(name) + ".shcf")));
  }
  // Stacked: the pruned recurrent kernel as sparse int8; pruning alone: sparse f32.
  const Json manifest1 = Json::parse(ReadText(out / "manifest.json"));
  for (const Json& row : manifest1["models"]) {
    if (row["name"] == "lstm8-p50-int8") CHECK(row["encodings"]["lstm0/recurrent_kernel"] == "sparse-int8");
    if (row["name"] == "lstm8-p50") CHECK(row["encodings"]["lstm0/recurrent_kernel"] == "sparse-f32");
    if (row["name"] == "lstm8-int8") CHECK(row["encodings"]["lstm0/recurrent_kernel"] == "int8");
  }

  // Second run on the longer file: holdout moves to 2016, warm start, fewer epochs.
  lines.clear();
  o.data = long_file;
  const PipelineOutcome second = RunPipeline(o);
  CHECK(second.generation == 2);
  CHECK(fs::read_symlink(out) == "shipped.2");
  CHECK(fs::is_directory(dir / "shipped.1"));  // the rollback set stays
  const Json& r2 = second.report;
  CHECK(r2["warm_start"] == true);
  CHECK(r2["previous_generation"] == 1);
  CHECK(r2["holdout"]["test_from"] == "2016-01-01");
  CHECK(r2["holdout"]["test_to"] == "2016-12-31");
  CHECK(r2["previous_holdout"]["test_from"] == "2015-01-01");
  CHECK(r2["holdout"]["test_windows"] == 4 * 366);  // a leap year
  CHECK(r2["holdout"]["rule"] == "the last year every selected series covers");
  for (const char* name : {"lstm8", "lstm4", "lstm8-p50"}) {
    INFO(name);
    const Json& m = *Row(r2, name);
    CHECK(m["warm_start"] == true);
    CHECK(m["warm_start_from"] == "generation 1: " + std::string(name) + ".shcf");
    CHECK(m["max_epochs"] == 1);  // warm_start_epochs (pruning: no prune phase, 1 fine-tune)
    CHECK(m["epochs"].get<int>() < (*Row(r1, name))["epochs"].get<int>());
  }
  // Before/after: every model shipped in generation 1, evaluated on the new holdout.
  for (const char* name : {"lstm8", "lstm4", "lstm8-p50", "lstm8-int8", "lstm8-p50-int8"}) {
    INFO(name);
    const Json& m = *Row(r2, name);
    REQUIRE(m["previous_mape"].is_number());
    CHECK(m["previous_mape"].get<double>() > 0);
    CHECK(m["mape_change"].get<double>() == m["mape"].get<double>() - m["previous_mape"].get<double>());
  }
  CHECK((*Row(r2, "tight"))["previous_mape"].is_null());  // never shipped
  CHECK(std::find(lines.begin(), lines.end(), "[3/6] variants (5)") != lines.end());

  // The gate's stated reason, exactly.
  const Json& rejected = *Row(r2, "tight");
  const double mape = rejected["mape"].get<double>(), base = r2["baseline_mape"].get<double>();
  char expected[256];
  std::snprintf(expected, sizeof expected,
                "MAPE %.2f %% is %+.2f points from the baseline's %.2f %%; the budget is -20.00 points, exceeded by "
                "%.2f points",
                mape, mape - base, base, mape - base + 20);
  CHECK(rejected["reason"] == expected);
  REQUIRE(r2["rejected"].size() == 1);
  CHECK(r2["rejected"][0]["reason"] == expected);

  // The files: report.md says the same, the manifest lists the shipped models only.
  const std::string md = ReadText(out / "report.md");
  CHECK(md.find("# shelfcast pipeline: generation 2") != std::string::npos);
  CHECK(md.find("- **tight**: " + std::string(expected)) != std::string::npos);
  CHECK(md.find("warm (generation 1: lstm8.shcf)") != std::string::npos);
  CHECK(ReadText(out / "report.json") == r2.dump(2) + "\n");
  const Json manifest = Json::parse(ReadText(out / "manifest.json"));
  CHECK(manifest["baseline_model"] == "lstm8");
  CHECK(manifest["protocol"]["test_from"] == "2016-01-01");
  CHECK(manifest["models"].size() == 5);
  for (const Json& row : manifest["models"]) {
    CHECK(fs::exists(out / row["file"].get<std::string>()));
    CHECK(row["mape"] == (*Row(r2, row["name"].get<std::string>()))["mape"]);
  }

  // Idempotent: the same data and config again change nothing.
  const auto before = Snapshot(out);
  const PipelineOutcome third = RunPipeline(o);
  CHECK(third.up_to_date);
  CHECK(third.generation == 2);
  CHECK(Snapshot(out) == before);
  CHECK(Leftovers(out, {1, 2}).empty());
  fs::remove_all(dir);
}

TEST_CASE("pipeline: a failing run leaves the shipped set byte-identical", "[pipeline][run]") {
  const fs::path dir = Scratch("failure");
  const std::string data = GeneratedFile(dir, "sales.csv", 2015);
  const std::string config = WriteText(dir, "pipeline.json", R"({
    "baseline": {"name": "lstm4", "hidden": 4, "window": 14},
    "training": {"epochs": 2, "warm_start_epochs": 2, "patience": 0, "threads": 1, "sample_fraction": 0.25},
    "holdout": {"validation_days": 61},
    "variants": [{"name": "lstm4-int8", "technique": "int8"}]
  })");
  const fs::path out = dir / "shipped";
  PipelineOptions o;
  o.data = data;
  o.config = config;
  o.out = out.string();
  REQUIRE(RunPipeline(o).generation == 1);
  const auto shipped = Snapshot(out);

  SECTION("a config error names the key") {
    o.config = WriteText(dir, "bad.json", R"({"training": {"epochs": "20"}})");
    CHECK_THROWS_WITH(RunPipeline(o), "config: training.epochs: expected a whole number in 1..100000, got \"20\"");
  }
  SECTION("Ctrl-C while training (the stop flag raised from the first epoch line)") {
    o.force = true;  // same data and config: would otherwise be "up to date"
    std::atomic<bool> stop{false};
    o.stop = &stop;
    o.log = [&](const std::string& line) {
      if (line.find(" epoch ") != std::string::npos) stop = true;
    };
    CHECK_THROWS_WITH(RunPipeline(o), "interrupted while training lstm4; nothing shipped, " + out.string() +
                                          " still holds generation 1");
  }
  SECTION("Ctrl-C after the new generation is written, before the switch") {
    o.force = true;
    std::atomic<bool> stop{false};
    o.stop = &stop;
    o.log = [&](const std::string& line) {
      if (line.rfind("[6/6] write generation 2", 0) == 0) stop = true;
    };
    CHECK_THROWS_WITH(RunPipeline(o), "interrupted before the switch; nothing shipped, " + out.string() +
                                          " still holds generation 1");
  }
  SECTION("data that cannot hold the holdout") {
    o.data = WriteText(dir, "short.csv", "date,store,item,sales\n2015-01-01,1,1,5\n2015-01-02,1,1,6\n");
    CHECK_THROWS_WITH(RunPipeline(o), o.data +
                                          ": store 1 item 1 has 2 days (2015-01-01..2015-01-02): too few for a window "
                                          "of 14 days before one training day, 61 validation days and the test period "
                                          "2014-01-03..2015-01-02 (config: holdout)");
  }
  CHECK(Snapshot(out) == shipped);
  CHECK(Leftovers(out, {1}).empty());  // no .partial directory, no new generation
  fs::remove_all(dir);
}

TEST_CASE("pipeline config: errors name the key", "[pipeline][config]") {
  const auto error = [](const std::string& text) {
    try {
      ParsePipelineConfig(text);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("{") .rfind("config: not valid JSON (", 0) == 0);
  CHECK(error(R"({"trainig": {}})") ==
        "config: trainig: unknown key (known: baseline, training, holdout, gate, variants)");
  CHECK(error(R"({"baseline": {"hidden": 0}})") == "config: baseline.hidden: expected a whole number in 1..512, got 0");
  CHECK(error(R"({"baseline": {"calendar": ["dow", "year"]}})") ==
        "config: baseline.calendar[1]: expected \"dow\" or \"month\", got \"year\"");
  CHECK(error(R"({"training": {"lr": -1}})") == "config: training.lr: expected a number in (0, 10], got -1");
  CHECK(error(R"({"training": {"epochs": 4, "warm_start_epochs": 5}})") ==
        "config: training.warm_start_epochs: must not exceed training.epochs (4), got 5");
  CHECK(error(R"({"training": {"loss": "l1"}})") ==
        "config: training.loss: expected \"mse\", \"mape\" or \"rel-mse\", got \"l1\"");
  CHECK(error(R"({"holdout": {"test_from": "2017-01-01"}})") ==
        "config: holdout.test_to: test_from and test_to go together (or neither: the latest holdout)");
  CHECK(error(R"({"holdout": {"stores": "1-x", "items": "1"}})") ==
        "config: holdout.stores: '1-x' is not a list of ids like 1-5 or 1,3,7-8");
  CHECK(error(R"({"gate": {"max_mape_increase": "0.5"}})") ==
        "config: gate.max_mape_increase: expected a number in [-100, 100], got \"0.5\"");
  CHECK(error(R"({"variants": [{"technique": "sizing", "hidden": 8}]})") ==
        "config: variants[0].name: missing (every variant needs a name)");
  CHECK(error(R"({"variants": [{"name": "a/b", "technique": "int8"}]})") ==
        "config: variants[0].name: 'a/b' is not a file-name-safe name (letters, digits, '-', '_', '.', at most 64)");
  CHECK(error(R"({"variants": [{"name": "lstm64", "technique": "int8"}]})") ==
        "config: variants[0].name: 'lstm64' is already the name of the baseline or an earlier variant");
  CHECK(error(R"({"variants": [{"name": "x", "technique": "distill"}]})") ==
        "config: variants[0].technique: expected sizing, pruning, int8 or stacked, got \"distill\"");
  CHECK(error(R"({"variants": [{"name": "x", "technique": "sizing"}]})") ==
        "config: variants[0].hidden: missing (a sizing variant needs its LSTM units)");
  CHECK(error(R"({"variants": [{"name": "x", "technique": "int8", "sparsity": 0.5}]})") ==
        "config: variants[0].sparsity: does not apply to a int8 variant");
  CHECK(error(R"({"variants": [{"name": "x", "technique": "pruning", "sparsity": 1}]})") ==
        "config: variants[0].sparsity: expected a number in [0, 0.999], got 1");
  CHECK(error(R"({"variants": [{"name": "x", "technique": "stacked", "source": "lstm64"}]})") ==
        "config: variants[0].source: a stacked variant quantises a pruning variant, not the baseline");
  CHECK(error(R"({"variants": [{"name": "q", "technique": "int8"},
                               {"name": "x", "technique": "stacked", "source": "q"}]})") ==
        "config: variants[1].source: a stacked variant cannot start from the int8 variant 'q'");
  CHECK(error(R"({"variants": [{"name": "x", "technique": "pruning", "sparsity": 0.5, "source": "later"}]})") ==
        "config: variants[0].source: 'later' is neither the baseline nor an earlier variant");

  const PipelineConfig c = ParsePipelineConfig(R"({"variants": [{"name": "p", "technique": "pruning", "sparsity": 0.7,
                                                                 "max_mape_increase": 1.5}]})");
  CHECK(c.baseline_name == "lstm64");
  CHECK(c.hidden == 64);
  CHECK(c.train.epochs == 20);
  CHECK(c.train.loss == train::LossKind::kRelativeMse);
  CHECK(c.variants[0].source == "lstm64");
  CHECK(BudgetOf(c, c.variants[0]) == 1.5);
  CHECK(c.max_mape_increase == 0.5);

  // The documented example (docs/pipeline.md) is a valid config.
  const PipelineConfig example = ParsePipelineConfig(ReadText(fs::path(SHELFCAST_SOURCE_DIR) / "docs/pipeline-config.json"));
  REQUIRE(example.variants.size() == 6);
  CHECK(example.variants[5].technique == Technique::kStacked);
  CHECK(example.variants[5].source == "lstm64-p70");
  CHECK(BudgetOf(example, example.variants[5]) == 1.0);
  CHECK(example.test_days == 0);  // the last year
}

TEST_CASE("pipeline output: DIR that is not a pipeline link is refused, not replaced", "[pipeline][generations]") {
  const fs::path dir = Scratch("refuse");
  fs::create_directories(dir / "mine");
  WriteText(dir / "mine", "keep.txt", "x");
  CHECK_THROWS_WITH(Generations((dir / "mine").string()),
                    "--out " + (dir / "mine").string() +
                        " exists and is not a pipeline output (a link to mine.<n>); refusing to replace it");
  CHECK(ReadText(dir / "mine" / "keep.txt") == "x");

  fs::create_symlink("elsewhere", dir / "link");
  CHECK_THROWS_WITH(Generations((dir / "link").string()),
                    "--out " + (dir / "link").string() +
                        " is a link to 'elsewhere', not to a generation link.<n> beside it; refusing to replace it");

  // One run at a time.
  Generations held((dir / "set").string());
  CHECK_THROWS_WITH(Generations((dir / "set").string()),
                    "another pipeline run holds " + (dir / "set.lock").string() + " (one run per --out at a time)");
  fs::remove_all(dir);
}

TEST_CASE("pipeline: a model whose architecture changed starts cold and the report says why", "[pipeline][run]") {
  const fs::path dir = Scratch("changed");
  const std::string data = GeneratedFile(dir, "sales.csv", 2015);
  const auto config = [&](int hidden) {
    return WriteText(dir, "pipeline.json",
                     R"({"baseline": {"name": "base", "hidden": )" + std::to_string(hidden) +
                         R"(, "window": 14},
                         "training": {"epochs": 2, "warm_start_epochs": 1, "threads": 1, "sample_fraction": 0.25},
                         "holdout": {"validation_days": 61}})");
  };
  PipelineOptions o;
  o.data = data;
  o.out = (dir / "shipped").string();
  o.config = config(4);
  REQUIRE(RunPipeline(o).generation == 1);
  o.config = config(6);  // a new config: not "up to date"
  const PipelineOutcome second = RunPipeline(o);
  CHECK(second.generation == 2);
  const Json& base = *Row(second.report, "base");
  CHECK(base["warm_start"] == false);
  CHECK(base["cold_start_reason"] == "the previous base does not fit the config (layer 0: 4 -> 6 units)");
  CHECK(base["max_epochs"] == 2);
  CHECK(base["previous_mape"].is_number());  // the LSTM-4 of generation 1 on the same holdout
  fs::remove_all(dir);
}
