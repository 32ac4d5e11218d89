// Documented caps on everything an untrusted input can make shelfcast allocate or loop
// over. Readers check these before allocating; hitting one is a kLimitExceeded error
// whose message names the cap. The same numbers are listed in SECURITY.md and the README.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shelfcast::limits {

// Model files.
inline constexpr size_t kMaxModelBytes = 4u << 20;   // 4 MiB: LSTM-512 float is ~4.2 MB
inline constexpr uint32_t kMaxHidden = 512;          // units of one LSTM or Dense layer
inline constexpr uint32_t kMaxInputFeatures = 64;    // F: sales + calendar/extra features
inline constexpr uint32_t kMaxLayers = 6;            // LSTM layers + Dense layers
inline constexpr uint32_t kMaxLstmLayers = 2;
inline constexpr uint32_t kMaxTensorsPerLayer = 8;

// Forecast requests.
inline constexpr uint32_t kMaxWindow = 1024;          // T: days fed to the model
inline constexpr uint32_t kMaxHorizon = 366;          // days forecast recursively
inline constexpr uint32_t kMaxBatch = 1u << 20;       // series in one batch call

// Sales CSV files.
inline constexpr size_t kMaxCsvBytes = 512u << 20;    // 512 MiB (the real file is 17 MB)
inline constexpr size_t kMaxCsvRows = 20'000'000;     // 22x the real file
inline constexpr size_t kMaxSeries = 100'000;         // distinct (store, item) or series ids
inline constexpr size_t kMaxCsvLineBytes = 4096;      // one row; longer lines are an error

}  // namespace shelfcast::limits
