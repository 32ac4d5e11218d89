// The protocol split: exact example counts, what each window holds, the errors, the id
// lists, and the normalisations fitted on training data only.
#include <catch2/catch.hpp>

#include <cmath>

#include "data/generator.h"
#include "eval/protocol.h"
#include "format/model.h"

namespace shelfcast {
namespace {

// The protocol's 5 stores x 10 items, 2013-01-01 .. 2017-12-31, seed 42. The generator
// draws every series from its own stream, so these are the rows of the full file.
const SalesData& ProtocolData() {
  static const SalesData data = [] {
    GeneratorOptions g;
    g.stores = 5;
    g.items = 10;
    return GenerateSales(g).value();
  }();
  return data;
}

DayNumber Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d); }

}  // namespace

TEST_CASE("protocol: exact counts of the article protocol", "[eval][protocol]") {
  const ProtocolSplit split = MakeProtocolSplit(ProtocolData(), ProtocolOptions{}).value();
  REQUIRE(split.series.size() == 50);
  // Test: 50 series x 365 days of 2017.
  CHECK(split.test.size() == 18250);
  CHECK(split.test.targets.size() == 18250);
  CHECK(split.test.inputs.size() == 18250u * 30);
  // Validation: 50 x 92 days (2016-10-01 .. 2016-12-31).
  CHECK(split.validation.size() == 4600);
  // Training: targets 2013-01-31 (the first day with 30 days before it) .. 2016-09-30.
  // 2013-01-01 .. 2016-09-30 is 365 + 365 + 365 + 274 = 1369 days; minus the first 30.
  CHECK(split.train.size() == 50u * 1339);
  for (const WindowSet* set : {&split.train, &split.validation, &split.test}) {
    CHECK(set->window == 30);
    CHECK(set->horizon == 1);
  }
  CHECK(split.train.target_days.front() == Day(2013, 1, 31));
  CHECK(split.train.target_days[1338] == Day(2016, 9, 30));
  CHECK(split.validation.target_days.front() == Day(2016, 10, 1));
  CHECK(split.validation.target_days[91] == Day(2016, 12, 31));
  CHECK(split.test.target_days.front() == Day(2017, 1, 1));
  CHECK(split.test.target_days[364] == Day(2017, 12, 31));
}

TEST_CASE("protocol: series order and window contents", "[eval][protocol]") {
  const SalesData& data = ProtocolData();
  ProtocolOptions o;
  o.stores = {3, 1};
  o.items = {2};
  const ProtocolSplit split = MakeProtocolSplit(data, o).value();
  REQUIRE(split.series.size() == 2);
  CHECK(data.series[split.series[0]].key == "store 3 item 2");
  CHECK(data.series[split.series[1]].key == "store 1 item 2");
  // The first test example of store 3 item 2: inputs 2016-12-02 .. 2016-12-31, target 2017-01-01.
  const Series& s = data.series[split.series[0]];
  CHECK(split.test.series[0] == split.series[0]);
  for (uint32_t k = 0; k < 30; ++k) CHECK(split.test.input(0)[k] == s.At(Day(2016, 12, 2) + static_cast<DayNumber>(k)));
  CHECK(split.test.target(0)[0] == s.At(Day(2017, 1, 1)));
  // The second series' examples follow the first's.
  CHECK(split.test.series[365] == split.series[1]);
  CHECK(split.test.target_days[365] == Day(2017, 1, 1));
}

TEST_CASE("protocol: horizon and window change the counts as documented", "[eval][protocol]") {
  ProtocolOptions o;
  o.horizon = 7;
  const ProtocolSplit h7 = MakeProtocolSplit(ProtocolData(), o).value();
  // Every target inside 2017: first targets 2017-01-01 .. 2017-12-25, 359 per series.
  CHECK(h7.test.size() == 50u * 359);
  CHECK(h7.test.targets.size() == 50u * 359 * 7);
  CHECK(h7.validation.size() == 50u * 86);
  const Series& s = ProtocolData().series[h7.series[0]];
  for (uint32_t k = 0; k < 7; ++k) CHECK(h7.test.target(1)[k] == s.At(Day(2017, 1, 2) + static_cast<DayNumber>(k)));

  ProtocolOptions w;
  w.window = 365;
  const ProtocolSplit w365 = MakeProtocolSplit(ProtocolData(), w).value();
  CHECK(w365.test.size() == 18250);  // the test days do not depend on the window
  CHECK(w365.train.size() == 50u * (1369 - 365));
}

TEST_CASE("protocol: errors name the missing series or history", "[eval][protocol]") {
  ProtocolOptions o;
  o.stores = {6};
  CHECK(MakeProtocolSplit(ProtocolData(), o).status().message() == "store 6 item 1 is not in the data");

  GeneratorOptions g;
  g.stores = 1;
  g.items = 1;
  g.first_day = Day(2016, 12, 15);
  const SalesData late = GenerateSales(g).value();
  ProtocolOptions one;
  one.stores = {1};
  one.items = {1};
  CHECK(MakeProtocolSplit(late, one).status().message() ==
        "store 1 item 1: fewer than 30 days of history before the test period");
  g.first_day = Day(2013, 1, 1);
  g.last_day = Day(2016, 12, 31);
  const SalesData early = GenerateSales(g).value();
  CHECK(MakeProtocolSplit(early, one).status().message() ==
        "store 1 item 1: the series does not reach the test period starting 2017-01-01");
  one.window = 0;
  CHECK(MakeProtocolSplit(early, one).status().message() == "the window must be at least 1 day");
}

TEST_CASE("protocol: generic data uses every series", "[eval][protocol]") {
  SalesData data;
  data.format = SalesFormat::kGeneric;
  for (const char* key : {"a", "b"}) {
    Series s;
    s.key = key;
    s.first_day = Day(2016, 11, 1);
    s.values.assign(Day(2017, 1, 31) - s.first_day + 1, 1.f);
    data.series.push_back(s);
  }
  ProtocolOptions o;
  o.test_last = Day(2017, 1, 31);
  o.validation_days = 30;
  const ProtocolSplit split = MakeProtocolSplit(data, o).value();
  CHECK(split.series == std::vector<uint32_t>{0, 1});
  CHECK(split.test.size() == 2u * 31);
  CHECK(split.validation.size() == 2u * 30);
  CHECK(split.train.size() == 2u * 1);  // 2016-12-01 is the only training target with 30 days before it
}

TEST_CASE("protocol: id lists", "[eval][protocol]") {
  CHECK(ParseIdRanges("1-5").value() == std::vector<int32_t>{1, 2, 3, 4, 5});
  CHECK(ParseIdRanges("1,3,7-8").value() == std::vector<int32_t>{1, 3, 7, 8});
  CHECK(ParseIdRanges("10").value() == std::vector<int32_t>{10});
  CHECK(ParseIdRanges("4,2").value() == std::vector<int32_t>{4, 2});
  for (const char* bad : {"", "0", "5-1", "a", "1,,2", "1-", "-3", "1 ", "99999999999", "1-2-3"})
    CHECK(ParseIdRanges(bad).status().message() ==
          std::string("'") + bad + "' is not a list of ids like 1-5 or 1,3,7-8");
  CHECK(ParseIdRanges("1-2000000000").status().message() ==
        "'1-2000000000' selects more than 100000 ids (limits::kMaxSeries)");
}

TEST_CASE("protocol: the global normalisation is fitted on training targets only", "[eval][protocol]") {
  WindowSet hand;
  hand.window = 1;
  hand.inputs = {0, 0, 0, 0};
  hand.targets = {1, 2, 3, 4};
  hand.target_days = {0, 1, 2, 3};
  hand.series = {0, 0, 0, 0};
  GlobalNormalisation g = FitGlobalNormalisation(hand);
  CHECK(g.offset == 2.5f);
  CHECK(g.scale == static_cast<float>(std::sqrt(1.25)));  // population sd: mean of (1.5^2, .5^2, .5^2, 1.5^2)

  hand.horizon = 2;  // two examples [1,2] and [3,4]: each (series, day) once = the first targets 1 and 3
  hand.target_days = {0, 2};
  hand.series = {0, 0};
  hand.inputs = {0, 0};
  g = FitGlobalNormalisation(hand);
  CHECK(g.offset == 2.f);
  CHECK(g.scale == 1.f);

  hand.targets = {7, 0, 7, 0};
  g = FitGlobalNormalisation(hand);
  CHECK(g.offset == 7.f);
  CHECK(g.scale == 1.f);  // constant: scale 1, never 0
  g = FitGlobalNormalisation(WindowSet{});
  CHECK(g.offset == 0.f);
  CHECK(g.scale == 1.f);

  // On the protocol: the mean and sd of the 50 series' sales on 2013-01-31 .. 2016-09-30,
  // computed here independently of the windows; validation and test days play no part.
  const SalesData& data = ProtocolData();
  const ProtocolSplit split = MakeProtocolSplit(data, ProtocolOptions{}).value();
  double sum = 0, n = 0;
  for (uint32_t i : split.series)
    for (DayNumber d = Day(2013, 1, 31); d <= Day(2016, 9, 30); ++d, ++n) sum += data.series[i].At(d);
  double sq = 0;
  for (uint32_t i : split.series)
    for (DayNumber d = Day(2013, 1, 31); d <= Day(2016, 9, 30); ++d) sq += std::pow(data.series[i].At(d) - sum / n, 2);
  g = FitGlobalNormalisation(split.train);
  CHECK(g.offset == static_cast<float>(sum / n));
  CHECK(g.scale == static_cast<float>(std::sqrt(sq / n)));
  CHECK(g.offset > 40.f);  // the 5 x 10 sample sells less than the card's 52 on average
  CHECK(g.offset < 55.f);

  Model model = MakeLstmForecaster(4, 30);
  SetGlobalNormalisation(g, &model);
  CHECK(model.norm == NormKind::kGlobal);
  CHECK(model.norm_offset == g.offset);
  CHECK(model.norm_scale == g.scale);
  SetWindowMeanNormalisation(&model);
  CHECK(model.norm == NormKind::kWindowMean);
  CHECK(model.norm_offset == kWindowMeanOffset);
  CHECK(model.norm_scale == 1.f);
}

}  // namespace shelfcast
