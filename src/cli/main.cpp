// shelfcast: the native toolchain. `shelfcast --help` lists the subcommands.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"shelfcast: tiny LSTM demand forecasting for the retail edge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "shelfcast 0.1.0 (model format v1)");
  shelfcast::cli::RegisterInspect(app);
  shelfcast::cli::RegisterForecast(app);
  shelfcast::cli::RegisterInit(app);
  shelfcast::cli::RegisterGenerate(app);
  shelfcast::cli::RegisterEval(app);
  shelfcast::cli::RegisterTrain(app);
  shelfcast::cli::RegisterManifest(app);
  shelfcast::cli::RegisterCompress(app);
  shelfcast::cli::RegisterExport(app);
  shelfcast::cli::RegisterImport(app);
  shelfcast::cli::RegisterImportKeras(app);
  shelfcast::cli::RegisterInspectKeras(app);
  shelfcast::cli::RegisterCompressPrune(app);
  shelfcast::cli::RegisterPipeline(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const shelfcast::cli::CommandError& e) {
    std::fprintf(stderr, "shelfcast: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shelfcast: internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
