// shelfcast pipeline --data SALES.csv --config pipeline.json --out DIR [--force]
// From a sales file to a shipped model set (pipeline/run.h, docs/pipeline.md): trains the
// baseline, derives the configured variants, evaluates all on the latest holdout, ships
// the variants within the quality gate's budget, and writes the model files, manifest.json
// and report.json / report.md into a new generation DIR.<n>, then points the link DIR at
// it. A rerun over new data warm-starts from the shipped models; a rerun over the same
// data and config does nothing unless --force.
//
// Ctrl-C stops after the current mini-batch; nothing is shipped and DIR still points at
// the previous generation (the command exits with an error saying so). A second Ctrl-C
// ends the process at once; DIR is still intact (only the switch changes it).
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "pipeline/config.h"
#include "pipeline/generations.h"
#include "pipeline/run.h"
#include "train/cpu.h"

namespace shelfcast::cli {
namespace {

void RunPipelineCommand(pipeline::PipelineOptions options) {
  if (const std::string problem = train::TrainerCpuProblem(); !problem.empty()) throw CommandError(problem);
  options.log = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  ScopedInterrupt interrupt;
  options.stop = interrupt.flag();
  try {
    pipeline::RunPipeline(options);
  } catch (const pipeline::ConfigError& e) {
    throw CommandError(options.config + ": " + e.what());
  } catch (const pipeline::PipelineError& e) {
    throw CommandError(e.what());
  } catch (const pipeline::GenerationError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace

void RegisterPipeline(CLI::App& app) {
  auto options = std::make_shared<pipeline::PipelineOptions>();
  CLI::App* cmd = app.add_subcommand(
      "pipeline", "Train, compress, evaluate and gate a model set from a sales file; ship it into --out atomically");
  cmd->add_option("--data", options->data, "Sales CSV (date,store,item,sales or the generic format)")->required();
  cmd->add_option("--config", options->config, "Pipeline config (JSON, docs/pipeline.md)")->required();
  cmd->add_option("--out", options->out, "Shipped set: a link to the current generation DIR.<n>")->required();
  cmd->add_flag("--force", options->force, "Retrain even when the data and config are those of the current set");
  cmd->callback([options] { RunPipelineCommand(*options); });
}

}  // namespace shelfcast::cli
