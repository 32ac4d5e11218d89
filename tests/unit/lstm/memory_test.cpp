// Loading stays within Forecaster::ReadBytesBound / CreateBytesBound, and a successful
// forecast allocates nothing: the wasm engine (no exceptions: a failed allocation aborts
// the module) admits a model only when those bounds fit its heap, so they must hold for
// every encoding and layout. This executable replaces the global operator new to count
// live bytes, hence its own binary.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <new>

#include "core/limits.h"
#include "format/encoding.h"
#include "lstm/forecaster.h"
#include "test_util.h"

namespace {

size_t g_live = 0;         // bytes currently allocated through operator new
size_t g_peak = 0;         // highest g_live since ResetPeak()
size_t g_allocations = 0;  // calls to operator new

// Each block carries its size in a header as wide as its alignment.
void* Allocate(size_t n, size_t align) {
  const size_t header = align < 16 ? 16 : align;
  void* base = std::aligned_alloc(header, (header + n + header - 1) / header * header);
  if (base == nullptr) throw std::bad_alloc();
  char* p = static_cast<char*>(base) + header;
  reinterpret_cast<size_t*>(p)[-1] = n;
  reinterpret_cast<size_t*>(p)[-2] = header;
  g_live += n;
  if (g_live > g_peak) g_peak = g_live;
  ++g_allocations;
  return p;
}

void Release(void* p) noexcept {
  if (p == nullptr) return;
  const size_t n = static_cast<size_t*>(p)[-1];
  const size_t header = static_cast<size_t*>(p)[-2];
  g_live -= n;
  std::free(static_cast<char*>(p) - header);
}

void ResetPeak() { g_peak = g_live; }

}  // namespace

void* operator new(size_t n) { return Allocate(n, 16); }
void* operator new[](size_t n) { return Allocate(n, 16); }
void* operator new(size_t n, std::align_val_t a) { return Allocate(n, static_cast<size_t>(a)); }
void* operator new[](size_t n, std::align_val_t a) { return Allocate(n, static_cast<size_t>(a)); }
void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }
void operator delete(void* p, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { Release(p); }

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

struct Case {
  const char* name;
  Model model;
};

// Every weight tensor (biases stay float) in encoding e: f16 rounds, int8 quantises per
// column, the sparse encodings keep every other entry.
Model WithEncoding(Model m, Encoding e) {
  for (Layer& l : m.layers)
    for (Tensor& t : l.tensors) {
      if (e == Encoding::kF16) {
        t.encoding = Encoding::kF16;
        for (float& v : t.dense) v = RoundToHalf(v);
        continue;
      }
      if (t.role == TensorRole::kBias) continue;
      const std::vector<float> dense = t.dense;
      t.dense.clear();
      t.encoding = e;
      const bool sparse = e == Encoding::kSparseF32 || e == Encoding::kSparseInt8;
      if (sparse) t.mask.assign((dense.size() + 7) / 8, 0);
      if (e == Encoding::kInt8 || e == Encoding::kSparseInt8) t.scales.assign(t.cols, RoundToHalf(0.3f / 127));
      for (size_t i = 0; i < dense.size(); ++i) {
        if (sparse && i % 2 == 1) continue;
        if (sparse) t.mask[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
        if (e == Encoding::kSparseF32) t.sparse_values.push_back(dense[i]);
        else t.q.push_back(static_cast<int8_t>(std::lround(dense[i] / t.scales[i % t.cols])));
      }
    }
  return m;
}

Model Stacked() {
  Model m = RandomModel(24, 14, 9, kCalendarDayOfWeek | kCalendarMonth);
  m.layers.back() = MakeDenseLayer(24, 12, Activation::kRelu);
  m.layers.insert(m.layers.begin() + 1, MakeLstmLayer(24, 24));
  m.layers.push_back(MakeDenseLayer(12, 6, Activation::kTanh));
  m.layers.push_back(MakeDenseLayer(6, 1, Activation::kLinear));
  return m;
}

}  // namespace

TEST_CASE("loading stays within its bounds and forecasting allocates nothing", "[lstm][memory]") {
  const Case cases[] = {
      {"LSTM-1 window 1", RandomModel(1, 1, 1)},
      {"LSTM-64 window 30", RandomModel(64, 30, 2)},
      {"LSTM-64 calendar f16", WithEncoding(RandomModel(64, 30, 3, kCalendarDayOfWeek), Encoding::kF16)},
      {"LSTM-200", RandomModel(200, 10, 4)},
      {"2 LSTM + 3 Dense", Stacked()},
      {"LSTM-64 int8", WithEncoding(RandomModel(64, 30, 5), Encoding::kInt8)},
      {"LSTM-64 sparse-f32", WithEncoding(RandomModel(64, 30, 6), Encoding::kSparseF32)},
      {"LSTM-64 sparse-int8", WithEncoding(RandomModel(64, 30, 7, kCalendarMonth), Encoding::kSparseInt8)},
      {"LSTM-512 f16 with every calendar feature (the largest caps)",
       WithEncoding(MakeLstmForecaster(limits::kMaxHidden, 8, kCalendarDayOfWeek | kCalendarMonth),
                    Encoding::kF16)},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const std::vector<uint8_t> file = Bytes(c.model);
      const size_t base = g_live;
      ResetPeak();
      Result<Model> model = ReadModel(file.data(), file.size());
      REQUIRE(model.ok());
      const size_t read_peak = g_peak - base;
      const size_t read_bound = Forecaster::ReadBytesBound(file.size());
      INFO("file " << file.size() << " B, read peak " << read_peak << " B, bound " << read_bound << " B");
      CHECK(read_peak <= read_bound);

      const size_t create_bound = Forecaster::CreateBytesBound(*model);
      const size_t with_model = g_live;
      ResetPeak();
      Result<Forecaster> f = Forecaster::Create(std::move(model).value());
      if (!f.ok()) {
        // An encoding this build has no LSTM kernel for yet: the bounds are checked as
        // soon as one lands.
        CHECK(f.status().code() == StatusCode::kUnsupported);
        continue;
      }
      const size_t create_peak = g_peak - with_model;
      INFO("create peak " << create_peak << " B, bound " << create_bound << " B");
      CHECK(create_peak <= create_bound);

      const size_t window = f->window();
      const size_t rows = 130;  // a full 128-row chunk and a remainder
      const std::vector<float> sales = RandomSales(rows * window, 5);
      const std::vector<DayNumber> days(rows, DaysFromCivil(2017, 3, 1));
      std::vector<float> out(rows * 2);
      // No assertion between the two counts: Catch's own reporting allocates.
      const size_t before = g_allocations;
      const Status batch = f->ForecastBatch(rows, sales.data(), days.data(), 2, out.data());
      const Status single = f->Forecast(sales.data(), window, days[0], 2, out.data());
      const size_t allocated = g_allocations - before;
      REQUIRE(batch.ok());
      REQUIRE(single.ok());
      CHECK(allocated == 0);
    }
  }
}

TEST_CASE("the wasm memory cap holds the largest model the caps allow", "[lstm][memory][limits]") {
  // The model with the largest CreateBytesBound: two LSTM-512 layers (the first over every
  // calendar feature), then Dense-512 layers up to the layer cap and the Dense(1) output.
  Model m = MakeLstmForecaster(limits::kMaxHidden, limits::kMaxWindow, kCalendarDayOfWeek | kCalendarMonth);
  m.layers.insert(m.layers.begin() + 1, MakeLstmLayer(limits::kMaxHidden, limits::kMaxHidden));
  m.layers.back() = MakeDenseLayer(limits::kMaxHidden, limits::kMaxHidden, Activation::kRelu);
  while (m.layers.size() < limits::kMaxLayers - 1)
    m.layers.push_back(MakeDenseLayer(limits::kMaxHidden, limits::kMaxHidden, Activation::kRelu));
  m.layers.push_back(MakeDenseLayer(limits::kMaxHidden, 1, Activation::kLinear));
  // It is a reachable file: stored sparse, its 4 million weights take half a megabyte.
  for (Layer& l : m.layers)
    for (Tensor& t : l.tensors)
      if (t.role != TensorRole::kBias) {
        t.encoding = Encoding::kSparseF32;
        t.mask.assign((t.size() + 7) / 8, 0);
        t.dense.clear();
      }
  Result<std::vector<uint8_t>> file = WriteModel(m);
  REQUIRE(file.ok());
  CHECK(file->size() <= limits::kMaxModelBytes);

  // Worst case of one load into a fresh engine: the file copied into the heap by the JS
  // wrapper, ReadModel of a file at the size cap, Create of this model, one batch slice
  // (web/shelfcast.js), and the stack plus static data (TOTAL_STACK=256KB, under 1 MiB).
  const size_t worst = limits::kMaxModelBytes + Forecaster::ReadBytesBound(limits::kMaxModelBytes) +
                       Forecaster::CreateBytesBound(m) + (1u << 20) + (1u << 20);
  const size_t cap = static_cast<size_t>(SHELFCAST_WASM_MAX_MEMORY_MB) << 20;
  INFO("worst case " << worst << " B (" << (worst >> 20) << " MiB), wasm cap " << cap << " B");
  CHECK(worst <= cap);
  // And the cap is not much more than that: one more model of LSTM-64 size, not a second worst case.
  CHECK(cap - worst < (16u << 20));
}
