// Rows per second of the sales CSV reader on a file the size of the real one: 913,000
// rows generated from the data card (seed 42, `shelfcast generate --seed 42`), parsed
// from memory (ParseSalesCsv) and streamed from a file (ReadSalesCsvFile, 1 MiB chunks);
// and the same rows in the generic format sorted by date, so that consecutive rows
// belong to different series (the reader's worst case: a key lookup per row).
//
//   cmake --preset native-release -DSHELFCAST_BUILD_BENCH=ON
//   cmake --build --preset native-release --target csv_bench
//   build/native/tests/bench/csv_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "core/date.h"
#include "core/file.h"
#include "data/csv.h"
#include "data/generator.h"

namespace shelfcast {
namespace {

const std::string& RealSizedCsv() {
  static const std::string text = FormatStoreItemCsv(GenerateSales(GeneratorOptions{}).value());
  return text;
}

// date,series,value with the 500 series interleaved: every date's 500 rows, then the next date.
const std::string& GenericInterleavedCsv() {
  static const std::string text = [] {
    const SalesData data = GenerateSales(GeneratorOptions{}).value();
    std::string out = "date,series,value\n";
    const size_t days = data.series[0].values.size();
    for (size_t d = 0; d < days; ++d) {
      const std::string date = FormatIsoDate(data.series[0].first_day + static_cast<DayNumber>(d));
      for (const Series& s : data.series)
        out += date + ",s" + std::to_string(s.store) + "-" + std::to_string(s.item) + "," +
               std::to_string(static_cast<int>(s.values[d])) + "\n";
    }
    return out;
  }();
  return text;
}

void SetCounters(benchmark::State& state, size_t rows, size_t bytes) {
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_ParseSalesCsv(benchmark::State& state) {
  const std::string& text = RealSizedCsv();
  size_t rows = 0;
  for (auto _ : state) {
    Result<SalesData> data = ParseSalesCsv(text);
    if (!data.ok()) state.SkipWithError(data.status().message().c_str());
    rows = data.ok() ? data->rows : 0;
    benchmark::DoNotOptimize(rows);
  }
  SetCounters(state, rows, text.size());
}
BENCHMARK(BM_ParseSalesCsv)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseGenericInterleaved(benchmark::State& state) {
  const std::string& text = GenericInterleavedCsv();
  size_t rows = 0;
  for (auto _ : state) {
    Result<SalesData> data = ParseSalesCsv(text);
    if (!data.ok()) state.SkipWithError(data.status().message().c_str());
    rows = data.ok() ? data->rows : 0;
    benchmark::DoNotOptimize(rows);
  }
  SetCounters(state, rows, text.size());
}
BENCHMARK(BM_ParseGenericInterleaved)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadSalesCsvFile(benchmark::State& state) {
  const std::string path = "csv_bench_train.csv";
  const std::string& text = RealSizedCsv();
  if (!WriteFileAtomic(path, text).ok()) state.SkipWithError("cannot write the bench file");
  size_t rows = 0;
  for (auto _ : state) {
    Result<SalesData> data = ReadSalesCsvFile(path);
    if (!data.ok()) state.SkipWithError(data.status().message().c_str());
    rows = data.ok() ? data->rows : 0;
    benchmark::DoNotOptimize(rows);
  }
  std::remove(path.c_str());
  SetCounters(state, rows, text.size());
}
BENCHMARK(BM_ReadSalesCsvFile)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace shelfcast

BENCHMARK_MAIN();
