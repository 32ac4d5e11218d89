// shelfcast forecast MODEL --values 12,15,... [--date YYYY-MM-DD] [--horizon N]
// shelfcast forecast MODEL --csv FILE (--store S --item I | --series ID) [--date D] [--horizon N]
// Forecasts the days after a window of sales given on the command line, or taken from a
// series of a sales CSV: the last `window` days before --date (the first day to
// forecast; default: the day after the series ends).
#include <cstdio>
#include <sstream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/date.h"
#include "data/csv.h"
#include "lstm/forecaster.h"

namespace shelfcast::cli {
namespace {

struct ForecastArgs {
  std::string model;
  std::vector<float> values;
  std::string csv;
  int32_t store = 0;
  int32_t item = 0;
  std::string series;
  std::string date;
  uint32_t horizon = 0;
  bool json = false;
};

// The window from a CSV series; sets *first_day to the first day to forecast.
std::vector<float> WindowFromCsv(const ForecastArgs& args, uint32_t window, DayNumber* first_day) {
  const SalesData data = Check(ReadSalesCsvFile(args.csv));
  const Series* s = nullptr;
  if (!args.series.empty()) {
    for (const Series& candidate : data.series)
      if (candidate.key == args.series) s = &candidate;
    if (!s) throw CommandError(args.csv + ": no series '" + args.series + "'");
  } else {
    if (data.format != SalesFormat::kStoreItem)
      throw CommandError(args.csv + " is in the generic format (date,series,value): select a series with --series");
    s = data.Find(args.store, args.item);
    if (!s)
      throw CommandError(args.csv + ": no store " + std::to_string(args.store) + " item " + std::to_string(args.item));
  }
  *first_day = s->last_day() + 1;
  if (!args.date.empty() && !ParseIsoDate(args.date, first_day))
    throw CommandError("--date '" + args.date + "' is not a YYYY-MM-DD date");
  const DayNumber from = *first_day - static_cast<DayNumber>(window);
  if (from < s->first_day || *first_day - 1 > s->last_day())
    throw CommandError(s->key + " has sales for " + FormatIsoDate(s->first_day) + ".." + FormatIsoDate(s->last_day()) +
                       "; forecasting " + FormatIsoDate(*first_day) + " needs the " + std::to_string(window) +
                       " days " + FormatIsoDate(from) + ".." + FormatIsoDate(*first_day - 1));
  const auto begin = s->values.begin() + (from - s->first_day);
  return std::vector<float>(begin, begin + window);
}

void RunForecast(const ForecastArgs& args) {
  Forecaster f = Check(Forecaster::Create(LoadModelFile(args.model)));
  const bool from_csv = !args.csv.empty();
  if (from_csv == !args.values.empty())
    throw CommandError("give the window either with --values or with --csv (and --store/--item or --series)");
  if (from_csv && args.series.empty() && (args.store == 0 || args.item == 0))
    throw CommandError("--csv needs --store and --item (store-item data) or --series (generic data)");
  DayNumber first_day = 0;
  std::vector<float> values;
  if (from_csv) {
    values = WindowFromCsv(args, f.window(), &first_day);
  } else {
    values = args.values;
    if (values.size() != f.window())
      throw CommandError("--values has " + std::to_string(values.size()) + " numbers, the model's window is " +
                         std::to_string(f.window()) + " days");
    if (!args.date.empty() && !ParseIsoDate(args.date, &first_day))
      throw CommandError("--date '" + args.date + "' is not a YYYY-MM-DD date");
    if (f.needs_dates() && args.date.empty())
      throw CommandError("this model uses calendar features: give --date, the first day to forecast");
  }
  const bool dated = from_csv || !args.date.empty();
  const uint32_t horizon = args.horizon ? args.horizon : f.model().horizon;
  std::vector<float> out(horizon);
  Check(f.Forecast(values.data(), values.size(), first_day, horizon, out.data()));
  if (args.json) {  // full float precision, for tests and scripts
    std::printf("[");
    for (uint32_t k = 0; k < horizon; ++k) std::printf("%s%.9g", k ? "," : "", out[k]);
    std::printf("]\n");
    return;
  }
  for (uint32_t k = 0; k < horizon; ++k) {
    if (dated) {
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
  cmd->add_option("--values", args->values, "The window's sales, oldest first, comma-separated")->delimiter(',');
  cmd->add_option("--csv", args->csv, "Take the window from this sales CSV");
  cmd->add_option("--store", args->store, "--csv: the store (store-item data)")->check(CLI::PositiveNumber);
  cmd->add_option("--item", args->item, "--csv: the item (store-item data)")->check(CLI::PositiveNumber);
  cmd->add_option("--series", args->series, "--csv: the series key (generic data, or 'store S item I')");
  cmd->add_option("--date", args->date,
                  "First day to forecast (YYYY-MM-DD); needed by calendar models with --values; with --csv the "
                  "default is the day after the series ends");
  cmd->add_option("--horizon", args->horizon, "Days to forecast (default: the model's)")->check(CLI::Range(1, 366));
  cmd->add_flag("--json", args->json, "Print a JSON array with full float precision");
  cmd->callback([args] { RunForecast(*args); });
}

}  // namespace shelfcast::cli
