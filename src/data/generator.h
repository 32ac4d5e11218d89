// The store-item data generator: data with the statistics of the real Kaggle file
// (data-card.md), in its exact format, from a seed.
//
//   mu(date, store, item) = 52.25 * S[store] * I[item] * W[weekday] * M[month] * Y[year]
//   sales ~ Poisson(mu)
//
// Deterministic on every IEEE-754 platform: its own RNG (SplitMix64, one stream per
// (seed, store, item), so any subset of series is generated identically to the same
// rows of the full file) and a Poisson sampler that uses only +, *, / in double
// (inversion of the CDF from p0 = e^-mu, with e^-mu from a fixed Taylor evaluation;
// this file is compiled with -ffp-contract=off so no FMA can change a rounding).
#pragma once

#include <cstdint>
#include <string>

#include "core/date.h"
#include "core/status.h"
#include "data/series.h"

namespace shelfcast {

struct GeneratorOptions {
  uint64_t seed = 42;
  int32_t stores = 10;  // stores 1..stores (at most 10, the card's factors)
  int32_t items = 50;   // items 1..items (at most 50)
  DayNumber first_day = DaysFromCivil(2013, 1, 1);
  DayNumber last_day = DaysFromCivil(2017, 12, 31);
};

// The card's expected sales (data/card.h), the "true mean" forecaster and the noise
// floor. Requires stores 1..10 and items 1..50.
double TrueMean(DayNumber day, int32_t store, int32_t item);

// Years outside 2013..2017 continue the last year's factor (1.126).
Result<SalesData> GenerateSales(const GeneratorOptions& options);

// The real file's text: "date,store,item,sales\n" then rows sorted by store, item, date.
std::string FormatStoreItemCsv(const SalesData& data);

}  // namespace shelfcast
