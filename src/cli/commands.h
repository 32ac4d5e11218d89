// Subcommands of the `shelfcast` CLI. Each lives in cmd_<name>.cpp and registers itself
// on the app; main.cpp lists them, one line each.
#pragma once

#include <CLI/CLI.hpp>

namespace shelfcast::cli {

void RegisterInspect(CLI::App& app);
void RegisterForecast(CLI::App& app);
void RegisterInit(CLI::App& app);
void RegisterGenerate(CLI::App& app);
void RegisterEval(CLI::App& app);
void RegisterTrain(CLI::App& app);
void RegisterManifest(CLI::App& app);

}  // namespace shelfcast::cli
