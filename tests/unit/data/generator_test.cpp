// The generator against its data card: determinism, the real file's format, and the
// card's factors and Poisson dispersion recovered from the output.
//
// Tolerances come from the sample sizes. With sales x ~ Poisson(mu) independent, a
// factor F of a group g (a store, an item, a weekday, a month, a year) is estimated by
//   F_hat = sum_g x / sum_g (mu / F)            (the Poisson maximum-likelihood estimate
//                                                given the other factors)
// whose standard deviation is F / sqrt(sum_g mu): Var(sum x) = sum mu. A weekday
// (~130k rows, sum mu ~ 6.8M) is thus pinned to ~0.04 %, a store (91,300 rows) to
// ~0.05 %, an item (18,260 rows, sum mu ~ 0.95M * I) to ~0.1 % / sqrt(I). Every check
// allows 5 standard deviations: with 84 factors, P(any false alarm) < 84 * 6e-7.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>

#include "data/card.h"
#include "data/generator.h"
#include "format/crc32.h"

namespace shelfcast {
namespace {

const SalesData& Full() {
  static const SalesData data = GenerateSales(GeneratorOptions{}).value();
  return data;
}

struct Group {
  double sales = 0;     // sum of x
  double base = 0;      // sum of mu / F
  double mu = 0;        // sum of mu
};

// Checks F_hat of every group against the card within 5 sd.
template <size_t N>
void CheckFactors(const char* name, const Group (&groups)[N], const double (&card_factors)[N]) {
  for (size_t g = 0; g < N; ++g) {
    const double estimate = groups[g].sales / groups[g].base;
    const double sd = card_factors[g] / std::sqrt(groups[g].mu);
    INFO(name << " " << g << ": estimate " << estimate << ", card " << card_factors[g] << ", sd " << sd);
    CHECK(std::fabs(estimate - card_factors[g]) <= 5 * sd);
  }
}

}  // namespace

TEST_CASE("generator: the real file's shape and format", "[data][generator]") {
  const SalesData& d = Full();
  REQUIRE(d.series.size() == 500);
  size_t rows = 0, zeros = 0;
  double sum = 0;
  float max = 0;
  for (const Series& s : d.series) {
    CHECK(s.first_day == DaysFromCivil(2013, 1, 1));
    CHECK(s.values.size() == 1826);
    rows += s.values.size();
    for (float v : s.values) {
      sum += v;
      zeros += v == 0;
      max = std::max(max, v);
    }
  }
  CHECK(rows == 913000);
  CHECK(d.series[0].key == "store 1 item 1");
  CHECK(d.series[499].key == "store 10 item 50");
  // The card: mean 52.25, sales 0..231 with exactly one zero. Seed 42 draws mean 52.254,
  // max 218 and one zero; the mean's sd is sqrt(sum mu) / rows = 0.0076, so 52.25 +- 0.04.
  CHECK(std::fabs(sum / rows - 52.25) < 0.04);
  CHECK(max == 218);
  CHECK(zeros == 1);

  GeneratorOptions g;
  g.stores = 1;
  g.items = 2;
  g.first_day = DaysFromCivil(2013, 1, 1);
  g.last_day = DaysFromCivil(2013, 1, 3);
  CHECK(FormatStoreItemCsv(GenerateSales(g).value()) ==
        "date,store,item,sales\n"
        "2013-01-01,1,1,9\n2013-01-02,1,1,11\n2013-01-03,1,1,18\n"
        "2013-01-01,1,2,33\n2013-01-02,1,2,22\n2013-01-03,1,2,36\n");
}

TEST_CASE("generator: deterministic; a subset equals the same rows of the full file", "[data][generator]") {
  // The CRC32 of `shelfcast generate --seed 42` (17,333,870 bytes). The generator uses
  // only exact integer arithmetic and +, *, / in double, so every IEEE-754 platform
  // (and wasm) must give these bytes.
  const std::string text = FormatStoreItemCsv(Full());
  CHECK(text.size() == 17333870);
  CHECK(Crc32(reinterpret_cast<const uint8_t*>(text.data()), text.size()) == 0xD25DE3A2u);

  // Same options, same series; another seed, other series.
  GeneratorOptions g;
  g.stores = 3;
  g.items = 4;
  g.first_day = DaysFromCivil(2016, 2, 1);
  g.last_day = DaysFromCivil(2016, 3, 31);
  const SalesData subset = GenerateSales(g).value();
  CHECK(subset.series[5].values.size() == 60);
  GeneratorOptions same = g;
  CHECK(GenerateSales(same).value().series[5].values == subset.series[5].values);
  same.seed = 43;
  CHECK(GenerateSales(same).value().series[5].values != subset.series[5].values);
  // Each (seed, store, item) has its own random stream: fewer stores and items give the
  // same series as the full file (the protocol's 5 x 10 sample needs only those 50).
  GeneratorOptions fewer;
  fewer.stores = 2;
  fewer.items = 3;
  const SalesData small = GenerateSales(fewer).value();
  for (const Series& s : small.series) CHECK(s.values == Full().Find(s.store, s.item)->values);
}

TEST_CASE("generator: the card's factors come back from the output", "[data][generator]") {
  Group store[10], item[50], weekday[7], month[12], year[5];
  for (const Series& s : Full().series) {
    for (size_t i = 0; i < s.values.size(); ++i) {
      const DayNumber d = s.first_day + static_cast<DayNumber>(i);
      const CivilDate c = CivilFromDays(d);
      const double x = s.values[i];
      const double mu = TrueMean(d, s.store, s.item);
      const auto add = [&](Group& g, double factor) {
        g.sales += x;
        g.base += mu / factor;
        g.mu += mu;
      };
      add(store[s.store - 1], card::kStore[s.store - 1]);
      add(item[s.item - 1], card::kItem[s.item - 1]);
      add(weekday[Weekday(d)], card::kWeekday[Weekday(d)]);
      add(month[c.month - 1], card::kMonth[c.month - 1]);
      add(year[c.year - 2013], card::kYear[c.year - 2013]);
    }
  }
  CheckFactors("store", store, card::kStore);
  CheckFactors("item", item, card::kItem);
  CheckFactors("weekday", weekday, card::kWeekday);
  CheckFactors("month", month, card::kMonth);
  CheckFactors("year", year, card::kYear);
}

TEST_CASE("generator: variance / mean of the residuals is 1 at every level", "[data][generator]") {
  // R = sum (x - mu)^2 / sum mu over the rows with mu in a band. For Poisson,
  // E (x - mu)^2 = mu and Var (x - mu)^2 = 2 mu^2 + mu, so sd(R) = sqrt(sum (2 mu^2 + mu)) / sum mu:
  // about 0.003 .. 0.006 per band here. The card measured 1.00 +- 0.02 on the real file.
  const double bands[] = {0, 10, 15, 35, 65, 100, 155, 1000};
  constexpr int kBands = 7;
  double sq[kBands] = {}, mu_sum[kBands] = {}, var_sq[kBands] = {};
  size_t count[kBands] = {};
  for (const Series& s : Full().series) {
    for (size_t i = 0; i < s.values.size(); ++i) {
      const double mu = TrueMean(s.first_day + static_cast<DayNumber>(i), s.store, s.item);
      int b = 0;
      while (mu >= bands[b + 1]) ++b;
      const double r = s.values[i] - mu;
      sq[b] += r * r;
      mu_sum[b] += mu;
      var_sq[b] += 2 * mu * mu + mu;
      ++count[b];
    }
  }
  for (int b = 0; b < kBands; ++b) {
    if (count[b] < 1000) continue;  // mu >= 155 holds few rows
    const double ratio = sq[b] / mu_sum[b];
    const double sd = std::sqrt(var_sq[b]) / mu_sum[b];
    INFO("mu in [" << bands[b] << ", " << bands[b + 1] << "): " << count[b] << " rows, ratio " << ratio << ", sd " << sd);
    CHECK(std::fabs(ratio - 1.0) <= 5 * sd);
    if (bands[b] >= 15 && bands[b + 1] <= 155) CHECK(std::fabs(ratio - 1.0) <= 0.02);  // the card's range
  }
}

}  // namespace shelfcast
