// Subcommands of the `shelfcast` CLI. Each lives in cmd_<name>.cpp and registers itself
// on the app; main.cpp lists them, one line each.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace shelfcast::cli {

// The command `name` on app, made on first use: commands with subcommands in several files
// (import keras / import onnx, inspect MODEL / inspect keras) find their parent here, in
// any registration order.
inline CLI::App* ParentCommand(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() == name) return sub;
  return app.add_subcommand(name, description);
}

void RegisterInspect(CLI::App& app);
void RegisterForecast(CLI::App& app);
void RegisterInit(CLI::App& app);
void RegisterGenerate(CLI::App& app);
void RegisterEval(CLI::App& app);
void RegisterTrain(CLI::App& app);
void RegisterManifest(CLI::App& app);
void RegisterCompress(CLI::App& app);
void RegisterExport(CLI::App& app);
void RegisterImport(CLI::App& app);
void RegisterImportKeras(CLI::App& app);
void RegisterInspectKeras(CLI::App& app);
void RegisterCompressPrune(CLI::App& app);
void RegisterPipeline(CLI::App& app);

}  // namespace shelfcast::cli
