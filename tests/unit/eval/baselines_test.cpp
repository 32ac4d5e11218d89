// Baselines on a series whose value is its day index (so every forecast is a known
// number), the true-mean oracle, names, and errors.
#include <catch2/catch.hpp>

#include "data/card.h"
#include "data/windows.h"
#include "eval/baselines.h"

namespace shelfcast {
namespace {

// One store-item series, x[d] = d - first_day, 200 days.
SalesData Ramp(int32_t store = 1, int32_t item = 1) {
  SalesData data;
  Series s;
  s.key = "store " + std::to_string(store) + " item " + std::to_string(item);
  s.store = store;
  s.item = item;
  s.first_day = DaysFromCivil(2017, 1, 1);
  for (int i = 0; i < 200; ++i) s.values.push_back(static_cast<float>(i));
  data.series.push_back(s);
  return data;
}

WindowSet Windows(const SalesData& data, uint32_t window, int first, int last, uint32_t horizon = 1) {
  WindowSet set;
  const DayNumber d0 = data.series[0].first_day;
  AppendWindows(data.series[0], 0, window, d0 + first, d0 + last, &set, horizon);
  return set;
}

std::vector<float> Forecast(const SalesData& data, const WindowSet& set, const char* name) {
  Result<std::vector<float>> f = BaselineForecasts(data, set, ParseBaseline(name).value());
  INFO((f.ok() ? std::string() : f.status().message()));
  REQUIRE(f.ok());
  return std::move(f).value();
}

}  // namespace

TEST_CASE("baselines: one step ahead on a ramp", "[eval][baselines]") {
  const SalesData data = Ramp();
  const WindowSet set = Windows(data, 30, 40, 42);  // targets at indices 40, 41, 42
  CHECK(Forecast(data, set, "naive") == std::vector<float>{39, 40, 41});
  CHECK(Forecast(data, set, "seasonal-naive") == std::vector<float>{33, 34, 35});
  // (33 + 26 + 19 + 12) / 4 = 22.5 for target 40
  CHECK(Forecast(data, set, "weekday-mean") == std::vector<float>{22.5f, 23.5f, 24.5f});
  CHECK(Forecast(data, set, "weekday-mean:1") == std::vector<float>{33, 34, 35});
  CHECK(Forecast(data, set, "weekday-mean:2") == std::vector<float>{29.5f, 30.5f, 31.5f});
}

TEST_CASE("baselines: multi-step forecasts read only the history before the first target", "[eval][baselines]") {
  const SalesData data = Ramp();
  const WindowSet set = Windows(data, 30, 50, 58, 9);  // one example: targets 50 .. 58, history up to 49
  REQUIRE(set.size() == 1);
  CHECK(Forecast(data, set, "naive") == std::vector<float>(9, 49));
  // Steps 0..6 (targets 50..56) take the day a week before: 43..49; steps 7, 8 (57, 58)
  // would read 50, 51, which are not known yet, so two weeks before: 43, 44.
  CHECK(Forecast(data, set, "seasonal-naive") == std::vector<float>{43, 44, 45, 46, 47, 48, 49, 43, 44});
  // Step 0: (43 + 36 + 29 + 22) / 4 = 32.5; step 7: the same days as step 0.
  const std::vector<float> mean = Forecast(data, set, "weekday-mean");
  CHECK(mean[0] == 32.5f);
  CHECK(mean[6] == 38.5f);
  CHECK(mean[7] == 32.5f);
}

TEST_CASE("baselines: the true-mean oracle is the card's mu, on card series only", "[eval][baselines]") {
  const SalesData data = Ramp(3, 7);
  const WindowSet set = Windows(data, 30, 40, 42, 2);  // two examples: targets 40, 41 and 41, 42
  const std::vector<float> f = Forecast(data, set, "true-mean");
  const DayNumber t = data.series[0].first_day + 40;
  CHECK(f == std::vector<float>{static_cast<float>(card::Mean(t, 3, 7)), static_cast<float>(card::Mean(t + 1, 3, 7)),
                                static_cast<float>(card::Mean(t + 1, 3, 7)),
                                static_cast<float>(card::Mean(t + 2, 3, 7))});
  // 2017-02-10 (a Friday in February 2017), store 3, item 7.
  CHECK(card::Mean(t, 3, 7) == 52.25 * 1.139 * 1.120 * 1.056 * 0.754 * 1.126);

  const SalesData other = Ramp(11, 1);
  CHECK(BaselineForecasts(other, Windows(other, 30, 40, 41), ParseBaseline("true-mean").value()).status().message() ==
        "true-mean is the generator's oracle: it knows stores 1..10 x items 1..50 of store-item data only, not "
        "store 11 item 1");
  SalesData generic = Ramp();
  generic.format = SalesFormat::kGeneric;
  CHECK(!BaselineForecasts(generic, Windows(generic, 30, 40, 41), ParseBaseline("true-mean").value()).ok());
}

TEST_CASE("baselines: too little history is an error naming the series and day", "[eval][baselines]") {
  const SalesData data = Ramp();
  const WindowSet set = Windows(data, 7, 7, 8);  // a 7-day window: the 4-week mean needs 28 days
  CHECK(Forecast(data, set, "seasonal-naive") == std::vector<float>{0, 1});
  CHECK(BaselineForecasts(data, set, ParseBaseline("weekday-mean").value()).status().message() ==
        "store 1 item 1: mean of the last 4 same weekdays for 2017-01-08 needs the sales of 2016-12-11, the series "
        "starts 2017-01-01");
}

TEST_CASE("baselines: names", "[eval][baselines]") {
  for (const char* id : {"naive", "seasonal-naive", "weekday-mean:4", "weekday-mean:52", "true-mean"})
    CHECK(BaselineId(ParseBaseline(id).value()) == id);
  CHECK(BaselineId(ParseBaseline("weekday-mean").value()) == "weekday-mean:4");
  CHECK(BaselineLabel(ParseBaseline("weekday-mean").value()) == "mean of the last 4 same weekdays");
  CHECK(BaselineLabel(ParseBaseline("seasonal-naive").value()) == "seasonal naive (same weekday last week)");
  CHECK(BaselineLabel(ParseBaseline("true-mean").value()) == "true mean mu (generator oracle)");
  for (const char* bad : {"mean", "weekday-mean:0", "weekday-mean:53", "weekday-mean:", "weekday-mean:4x", "Naive"})
    CHECK(ParseBaseline(bad).status().message() ==
          std::string("unknown baseline '") + bad +
              "': expected naive, seasonal-naive, weekday-mean, weekday-mean:K (K = 1..52) or true-mean");
  REQUIRE(DefaultBaselines().size() == 3);
  CHECK(BaselineId(DefaultBaselines()[2]) == "weekday-mean:4");
}

}  // namespace shelfcast
