#include "data/generator.h"

#include <cmath>
#include <cstdio>

#include "data/card.h"

namespace shelfcast {
namespace {

// SplitMix64 (Steele, Lea, Flood 2014): a full-period 64-bit generator, exact integer
// arithmetic, identical everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// e^-x for 0 <= x <= 700 using only +, *, /: e^-x = (e^-(x/2^k))^(2^k) with x/2^k < 2^-10,
// where the Taylor series to degree 8 is exact to double precision; squaring k times
// loses ~k ulp of relative accuracy, irrelevant for a sampler whose CDF only needs to be
// reproducible, and reproducible it is.
double ExpNeg(double x) {
  int k = 0;
  while (x > 0x1.0p-10) {
    x *= 0.5;
    ++k;
  }
  double term = 1.0, sum = 1.0;
  for (int n = 1; n <= 8; ++n) {
    term *= -x / n;
    sum += term;
  }
  for (int i = 0; i < k; ++i) sum *= sum;
  return sum;
}

// Poisson(mu) by inversion: the smallest k with u < P(X <= k).
int64_t Poisson(double mu, SplitMix64* rng) {
  const double u = rng->Uniform();
  double p = ExpNeg(mu);
  double cdf = p;
  int64_t k = 0;
  // P(X > mu + 40 sqrt(mu) + 100) is far below 2^-53: the loop always ends by then.
  // (sqrt is correctly rounded by IEEE-754, so the cap is reproducible too.)
  const int64_t cap = static_cast<int64_t>(mu + 40.0 * std::sqrt(mu)) + 100;
  while (u >= cdf && k < cap) {
    ++k;
    p *= mu / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

uint64_t StreamSeed(uint64_t seed, int32_t store, int32_t item) {
  SplitMix64 mix(seed ^ (static_cast<uint64_t>(store) << 32) ^ static_cast<uint64_t>(item) * 0x100000001B3ull);
  return mix.Next();
}

}  // namespace

double TrueMean(DayNumber day, int32_t store, int32_t item) { return card::Mean(day, store, item); }

Result<SalesData> GenerateSales(const GeneratorOptions& o) {
  if (o.stores < 1 || o.stores > 10) return InvalidArgument("stores must be 1..10 (the data card has 10)");
  if (o.items < 1 || o.items > 50) return InvalidArgument("items must be 1..50 (the data card has 50)");
  if (o.last_day < o.first_day) return InvalidArgument("the last day comes before the first day");
  SalesData data;
  data.format = SalesFormat::kStoreItem;
  for (int32_t store = 1; store <= o.stores; ++store) {
    for (int32_t item = 1; item <= o.items; ++item) {
      Series s;
      s.key = "store " + std::to_string(store) + " item " + std::to_string(item);
      s.store = store;
      s.item = item;
      s.first_day = o.first_day;
      s.values.reserve(static_cast<size_t>(o.last_day - o.first_day + 1));
      SplitMix64 rng(StreamSeed(o.seed, store, item));
      for (DayNumber d = o.first_day; d <= o.last_day; ++d)
        s.values.push_back(static_cast<float>(Poisson(TrueMean(d, store, item), &rng)));
      data.series.push_back(std::move(s));
    }
  }
  return data;
}

std::string FormatStoreItemCsv(const SalesData& data) {
  std::string out = "date,store,item,sales\n";
  size_t rows = 0;
  for (const Series& s : data.series) rows += s.values.size();
  out.reserve(out.size() + rows * 20);
  char line[64];
  for (const Series& s : data.series) {
    for (size_t i = 0; i < s.values.size(); ++i) {
      const std::string date = FormatIsoDate(s.first_day + static_cast<DayNumber>(i));
      const int n = std::snprintf(line, sizeof line, "%s,%d,%d,%lld\n", date.c_str(), s.store, s.item,
                                  static_cast<long long>(s.values[i]));
      out.append(line, static_cast<size_t>(n));
    }
  }
  return out;
}

}  // namespace shelfcast
