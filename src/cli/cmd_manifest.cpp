// shelfcast manifest init [data options] [--baseline-model NAME] --out models/manifest.json
// shelfcast manifest add --manifest M --model FILE --name NAME --technique T
//                        [--train-report R.json] [--notes TEXT]
// shelfcast manifest render --manifest M --results docs/results.md
//
// init writes the data spec, the trivial baselines and the article's rows; add evaluates
// a model file with the runtime on the manifest's test windows (regenerated data) and
// inserts or replaces its row; render rewrites the generated tables of the results
// document (between <!-- generated:NAME --> markers), leaving the prose around them.
// The schema is in src/pipeline/manifest.h and docs/results.md.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/data_args.h"
#include "core/file.h"
#include "core/limits.h"
#include "lstm/forecaster.h"
#include "pipeline/manifest.h"

namespace shelfcast::cli {
namespace {

using pipeline::Json;

Json ReadJsonFile(const std::string& path) {
  const std::vector<uint8_t> bytes = Check(ReadFileBytes(path, limits::kMaxModelBytes));
  try {
    return Json::parse(bytes.begin(), bytes.end());
  } catch (const Json::exception& e) {
    throw CommandError(path + ": not valid JSON (" + e.what() + ")");
  }
}

void WriteJsonFile(const std::string& path, const Json& j) { Check(WriteFileAtomic(path, j.dump(2) + "\n")); }

struct InitArgs {
  DataArgs data;
  uint32_t window = 30;
  std::string baseline_model = "lstm64";
  std::string out;
};

void RunInit(const InitArgs& args) {
  pipeline::DataSpec spec;
  spec.seed = args.data.generated_seed;
  spec.protocol = MakeProtocolOptions(args.data, args.window);
  Json j;
  try {
    j = pipeline::NewManifest(spec, args.baseline_model);
  } catch (const std::runtime_error& e) {
    throw CommandError(e.what());
  }
  WriteJsonFile(args.out, j);
  std::printf("wrote %s: generated data seed %llu, %zu trivial baselines\n", args.out.c_str(),
              static_cast<unsigned long long>(spec.seed), j["baselines"].size());
  for (const Json& b : j["baselines"])
    std::printf("  %-68s MAPE %6.2f %%\n", b["name"].get<std::string>().c_str(), b["mape"].get<double>());
}

struct AddArgs {
  std::string manifest, model, name, technique, train_report, notes;
};

void RunAdd(const AddArgs& args) {
  Json manifest = ReadJsonFile(args.manifest);
  size_t file_bytes = 0;
  const Model model = LoadModelFile(args.model, &file_bytes);
  Forecaster forecaster = Check(Forecaster::Create(model));
  Metrics metrics;
  try {
    const pipeline::DataSpec spec = pipeline::DataSpecOf(manifest);
    const SalesData data = pipeline::RegenerateSales(spec);
    const ProtocolSplit split = pipeline::SplitFor(data, spec, model.window);
    metrics = Check(EvaluateModel(forecaster, split.test)).pooled;
  } catch (const std::runtime_error& e) {
    throw CommandError(args.manifest + ": " + e.what());
  } catch (const Json::exception& e) {
    throw CommandError(args.manifest + ": not a shelfcast manifest (" + e.what() + ")");
  }
  pipeline::ModelRowInput in;
  in.name = args.name;
  const std::filesystem::path dir = std::filesystem::path(args.manifest).parent_path();
  in.file = std::filesystem::proximate(args.model, dir.empty() ? "." : dir).generic_string();
  in.technique = args.technique;
  in.notes = args.notes;
  in.model = &model;
  in.file_bytes = file_bytes;
  in.metrics = metrics;
  if (!args.train_report.empty()) in.train_report = ReadJsonFile(args.train_report);
  pipeline::UpsertModel(&manifest, pipeline::ModelRow(manifest, in));
  WriteJsonFile(args.manifest, manifest);
  std::printf("%s: %s, %s bytes, MAPE %.3f %% (test, runtime)\n", args.name.c_str(), args.model.c_str(),
              WithThousands(file_bytes).c_str(), metrics.mape);
}

struct RenderArgs {
  std::string manifest, results;
};

void RunRender(const RenderArgs& args) {
  const Json manifest = ReadJsonFile(args.manifest);
  std::string doc;
  if (std::filesystem::exists(args.results)) {
    std::ifstream in(args.results, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    doc = ss.str();
  }
  try {
    doc = pipeline::ReplaceGeneratedBlock(doc, "models", pipeline::RenderModelsTable(manifest));
    doc = pipeline::ReplaceGeneratedBlock(doc, "baselines", pipeline::RenderBaselinesTable(manifest));
    doc = pipeline::ReplaceGeneratedBlock(doc, "article", pipeline::RenderArticleTable(manifest));
    doc = pipeline::ReplaceGeneratedBlock(doc, "timing", pipeline::RenderTimingTable(manifest));
  } catch (const Json::exception& e) {
    throw CommandError(args.manifest + ": not a shelfcast manifest (" + e.what() + ")");
  }
  Check(WriteFileAtomic(args.results, doc));
  std::printf("wrote %s: %zu models\n", args.results.c_str(), manifest["models"].size());
}

}  // namespace

void RegisterManifest(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("manifest", "Build models/manifest.json and the results tables");
  cmd->require_subcommand(1);

  auto init = std::make_shared<InitArgs>();
  CLI::App* c = cmd->add_subcommand("init", "Start a manifest: data spec, trivial baselines, the article's rows");
  AddDataOptions(c, &init->data);
  c->add_option("--window", init->window, "The protocol's window (baselines use it)")->capture_default_str();
  c->add_option("--baseline-model", init->baseline_model, "Name of the reference model row")->capture_default_str();
  c->add_option("--out", init->out, "Manifest file to write")->required();
  c->callback([init] { RunInit(*init); });

  auto add = std::make_shared<AddArgs>();
  c = cmd->add_subcommand("add", "Evaluate a model file and add (or replace) its row");
  c->add_option("--manifest", add->manifest, "Manifest file")->required();
  c->add_option("--model", add->model, "Model file (.shcf)")->required();
  c->add_option("--name", add->name, "Row name")->required();
  c->add_option("--technique", add->technique, "baseline, sizing, calendar, pruning, int8, stacked, ...")->required();
  c->add_option("--train-report", add->train_report, "JSON report of `shelfcast train` / `compress` (times, epochs)");
  c->add_option("--notes", add->notes, "Free text for the row");
  c->callback([add] { RunAdd(*add); });

  auto render = std::make_shared<RenderArgs>();
  c = cmd->add_subcommand("render", "Rewrite the generated tables of the results document");
  c->add_option("--manifest", render->manifest, "Manifest file")->required();
  c->add_option("--results", render->results, "Markdown file (created when missing)")->required();
  c->callback([render] { RunRender(*render); });
}

}  // namespace shelfcast::cli
