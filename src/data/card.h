// The data card's model of the store-item data (docs/data.md, from the brief's
// data-card.md): the expected sales of a day, store and item.
//
//   mu(date, store, item) = 52.25 * S[store] * I[item] * W[weekday] * M[month] * Y[year]
//
// The generator (toolchain) draws Poisson(mu) from it; the "true mean" oracle baseline
// (runtime, so the page can show the noise floor on generated data) forecasts mu itself.
#pragma once

#include <cstdint>

#include "core/date.h"

namespace shelfcast::card {

inline constexpr double kBase = 52.25;
inline constexpr int32_t kStores = 10;  // stores 1..10
inline constexpr int32_t kItems = 50;   // items 1..50
inline constexpr double kStore[kStores] = {0.905, 1.283, 1.139, 1.051, 0.761, 0.760, 0.696, 1.228, 1.054, 1.124};
inline constexpr double kItem[kItems] = {
    0.421, 1.121, 0.701, 0.421, 0.351, 1.120, 1.120, 1.473, 0.984, 1.401,
    1.333, 1.333, 1.614, 1.123, 1.685, 0.491, 0.631, 1.613, 0.772, 0.909,
    0.772, 1.541, 0.561, 1.264, 1.544, 0.912, 0.422, 1.682, 1.332, 0.772,
    1.122, 0.842, 1.331, 0.493, 1.259, 1.474, 0.560, 1.541, 0.840, 0.560,
    0.421, 0.702, 0.982, 0.563, 1.542, 1.122, 0.421, 0.983, 0.561, 1.261};
inline constexpr double kWeekday[7] = {0.793, 0.923, 0.926, 0.990, 1.056, 1.123, 1.189};  // Monday first
inline constexpr double kMonth[12] = {0.680, 0.754, 0.905, 1.056, 1.132, 1.206,
                                      1.282, 1.131, 1.054, 0.980, 1.057, 0.753};
inline constexpr int32_t kFirstYear = 2013;
inline constexpr double kYear[5] = {0.833, 0.958, 1.000, 1.083, 1.126};  // 2013..2017

inline bool HasSeries(int32_t store, int32_t item) {
  return store >= 1 && store <= kStores && item >= 1 && item <= kItems;
}

// mu of the formula above. Years before 2013 take 2013's factor, years after 2017
// continue 2017's (1.126). Requires HasSeries(store, item).
double Mean(DayNumber day, int32_t store, int32_t item);

}  // namespace shelfcast::card
