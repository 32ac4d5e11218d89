// shelfcast forecast MODEL --values 12,15,... [--date YYYY-MM-DD] [--horizon N]
// Forecasts the days after a window of sales given on the command line.
#include <cstdio>
#include <sstream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/date.h"
#include "lstm/forecaster.h"

namespace shelfcast::cli {
namespace {

struct ForecastArgs {
  std::string model;
  std::vector<float> values;
  std::string date;
  uint32_t horizon = 0;
  bool json = false;
};

void RunForecast(const ForecastArgs& args) {
  Forecaster f = Check(Forecaster::Create(LoadModelFile(args.model)));
  if (args.values.size() != f.window())
    throw CommandError("--values has " + std::to_string(args.values.size()) + " numbers, the model's window is " +
                       std::to_string(f.window()) + " days");
  DayNumber first_day = 0;
  if (!args.date.empty() && !ParseIsoDate(args.date, &first_day))
    throw CommandError("--date '" + args.date + "' is not a YYYY-MM-DD date");
  if (f.needs_dates() && args.date.empty())
    throw CommandError("this model uses calendar features: give --date, the first day to forecast");
  const uint32_t horizon = args.horizon ? args.horizon : f.model().horizon;
  std::vector<float> out(horizon);
  Check(f.Forecast(args.values.data(), args.values.size(), first_day, horizon, out.data()));
  if (args.json) {  // full float precision, for tests and scripts
    std::printf("[");
    for (uint32_t k = 0; k < horizon; ++k) std::printf("%s%.9g", k ? "," : "", out[k]);
    std::printf("]\n");
    return;
  }
  for (uint32_t k = 0; k < horizon; ++k) {
    if (!args.date.empty()) {
      std::printf("%s,%.3f\n", FormatIsoDate(first_day + static_cast<DayNumber>(k)).c_str(), out[k]);
    } else {
      std::printf("+%u,%.3f\n", k + 1, out[k]);
    }
  }
}

}  // namespace

void RegisterForecast(CLI::App& app) {
  auto args = std::make_shared<ForecastArgs>();
  CLI::App* cmd = app.add_subcommand("forecast", "Forecast the days after a window of sales");
  cmd->add_option("model", args->model, "Model file (.shcf)")->required();
  cmd->add_option("--values", args->values, "The window's sales, oldest first, comma-separated")
      ->delimiter(',')
      ->required();
  cmd->add_option("--date", args->date, "First day to forecast (YYYY-MM-DD); needed by calendar models");
  cmd->add_option("--horizon", args->horizon, "Days to forecast (default: the model's)")->check(CLI::Range(1, 366));
  cmd->add_flag("--json", args->json, "Print a JSON array with full float precision");
  cmd->callback([args] { RunForecast(*args); });
}

}  // namespace shelfcast::cli
