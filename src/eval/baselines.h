// The trivial forecasters every results table shows beside the models (data-card.md,
// protocol.md), computed from the series' actual history on exactly the examples of a
// WindowSet, so they score the same (series, day) pairs as the models.
//
//   Result<std::vector<float>> f = BaselineForecasts(data, split.test, {BaselineKind::kSeasonalNaive});
//   Evaluation e = ScoreForecasts(split.test, std::move(f).value());
//
// For an example whose first target day is t (history known up to t-1) and a target
// day d = t + k (k < horizon), with L(d) = the latest day <= t-1 on d's weekday
// (L(d) = d - 7 * ceil((k + 1) / 7); for one step ahead L(d) = d - 7):
//   naive           x[t-1]                                    ("yesterday")
//   seasonal naive  x[L(d)]                                   (same weekday last week)
//   weekday mean    (x[L(d)] + x[L(d)-7] + ... + x[L(d)-7(k-1)]) / k, summed in double
//   true mean       mu(d, store, item) of the data card: the ORACLE. It knows how
//                   generated data was made; on any other data it means nothing, and
//                   it only accepts store-item series with stores 1..10, items 1..50.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/series.h"
#include "data/windows.h"

namespace shelfcast {

enum class BaselineKind { kNaive, kSeasonalNaive, kWeekdayMean, kTrueMean };

struct Baseline {
  BaselineKind kind = BaselineKind::kSeasonalNaive;
  uint32_t weeks = 4;  // kWeekdayMean: k, the number of same weekdays averaged (1..52)
};

// "naive", "seasonal-naive", "weekday-mean" (k = 4), "weekday-mean:K", "true-mean".
Result<Baseline> ParseBaseline(std::string_view name);
// The id ParseBaseline reads back: "weekday-mean:4".
std::string BaselineId(const Baseline& baseline);
// The row label of results tables: "mean of the last 4 same weekdays".
std::string BaselineLabel(const Baseline& baseline);
// The data card's table: naive, seasonal naive, mean of the last 4 same weekdays.
std::vector<Baseline> DefaultBaselines();

// One forecast per target of `set` ([n][horizon], WindowSet order); `set.series` indexes
// `data.series`. Errors name the series and the day when the history is too short.
Result<std::vector<float>> BaselineForecasts(const SalesData& data, const WindowSet& set, const Baseline& baseline);

}  // namespace shelfcast
