// Streams against the Forecaster: a step sequence over a window from Reset() must give
// exactly (bit for bit) the window forecast; saved states must restore exactly and refuse
// anything that is not theirs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "format/crc32.h"
#include "lstm/stream.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;
using Catch::Matchers::StartsWith;

namespace {

std::shared_ptr<StreamModel> MakeStreamModel(const Model& model, bool simd = true) {
  Result<std::shared_ptr<StreamModel>> sm = StreamModel::Create(model, KernelOptions{simd});
  REQUIRE(sm.ok());
  return sm.value();
}

std::unique_ptr<SeriesStream> Lstm(const std::shared_ptr<StreamModel>& sm) {
  Result<std::unique_ptr<SeriesStream>> s = MakeLstmStream(sm);
  REQUIRE(s.ok());
  return std::move(s).value();
}

std::unique_ptr<SeriesStream> Window(const std::shared_ptr<StreamModel>& sm) {
  Result<std::unique_ptr<SeriesStream>> s = MakeWindowStream(sm);
  REQUIRE(s.ok());
  return std::move(s).value();
}

// Two LSTM layers + Dense(1): the same model shape as RandomModel with a second layer.
Model StackedRandomModel(uint32_t h1, uint32_t h2, uint32_t window, uint32_t seed, uint8_t calendar) {
  Model model = RandomModel(h1, window, seed, calendar);
  model.layers.insert(model.layers.begin() + 1, MakeLstmLayer(h1, h2));
  model.layers.back() = MakeDenseLayer(h2, 1, Activation::kLinear);
  std::mt19937 rng(seed + 1);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  for (size_t li = 1; li < model.layers.size(); ++li)
    for (Tensor& t : model.layers[li].tensors)
      for (float& v : t.dense) v = u(rng);
  return model;
}

void Feed(SeriesStream* s, const std::vector<float>& values, size_t from, size_t to, DayNumber first_day,
          bool dates) {
  for (size_t i = from; i < to; ++i) {
    const DayNumber day = first_day + static_cast<DayNumber>(i);
    REQUIRE(s->Step(values[i], dates ? &day : nullptr).ok());
  }
}

bool SameBits(const float* a, const float* b, size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

// Recomputes the trailing CRC32 after a test edits a saved state on purpose.
void FixStateCrc(std::vector<uint8_t>* state) {
  const size_t body = state->size() - 4;
  const uint32_t crc = Crc32(state->data(), body);
  for (int i = 0; i < 4; ++i) (*state)[body + i] = static_cast<uint8_t>(crc >> (8 * i));
}

}  // namespace

TEST_CASE("an LSTM-state stream over a window equals the window forecast bit for bit", "[lstm][stream]") {
  const DayNumber first_day = DaysFromCivil(2017, 2, 1);
  for (uint32_t hidden : {1u, 7u, 16u, 33u}) {
    for (uint8_t calendar : {uint8_t{kCalendarNone}, uint8_t{kCalendarDayOfWeek | kCalendarMonth}}) {
      for (bool stacked : {false, true}) {
        const Model model = stacked ? StackedRandomModel(hidden, 5, 30, hidden, calendar)
                                    : RandomModel(hidden, 30, hidden, calendar);
        for (bool simd : {false, true}) {
          INFO("hidden=" << hidden << " calendar=" << int(calendar) << " stacked=" << stacked << " simd=" << simd);
          Result<Forecaster> f = Forecaster::Create(model, KernelOptions{simd});
          REQUIRE(f.ok());
          auto sm = MakeStreamModel(model, simd);
          auto stream = Lstm(sm);
          const std::vector<float> sales = RandomSales(60, hidden + calendar);
          // Windows [0, 30) and [0, 30) again after Reset(): both must equal the Forecaster.
          for (int pass = 0; pass < 2; ++pass) {
            Feed(stream.get(), sales, 0, 30, first_day, calendar != kCalendarNone);
            float expected[5], got[5], again[5];
            const DayNumber target = first_day + 30;
            REQUIRE(f->Forecast(sales.data(), 30, target, 5, expected).ok());
            REQUIRE(stream->Forecast(5, got).ok());
            CHECK(SameBits(got, expected, 5));
            REQUIRE(stream->Forecast(5, again).ok());  // forecasting does not move the stream
            CHECK(SameBits(again, expected, 5));
            CHECK(stream->steps() == 30);
            stream->Reset();
            CHECK(stream->steps() == 0);
          }
        }
      }
    }
  }
}

TEST_CASE("streams of one model do not disturb each other", "[lstm][stream]") {
  const Model model = RandomModel(16, 10, 3);
  auto sm = MakeStreamModel(model);
  auto a = Lstm(sm);
  auto b = Lstm(sm);
  auto alone = Lstm(MakeStreamModel(model));
  const std::vector<float> sa = RandomSales(25, 1), sb = RandomSales(25, 2);
  for (size_t i = 0; i < 25; ++i) {
    REQUIRE(a->Step(sa[i], nullptr).ok());
    REQUIRE(b->Step(sb[i], nullptr).ok());
    REQUIRE(alone->Step(sa[i], nullptr).ok());
    if (i >= 9) {
      float fa[3], fb[3], fl[3];
      REQUIRE(a->Forecast(3, fa).ok());
      REQUIRE(b->Forecast(3, fb).ok());
      REQUIRE(alone->Forecast(3, fl).ok());
      CHECK(SameBits(fa, fl, 3));
    }
  }
}

TEST_CASE("a window stream equals the Forecaster over the last window days", "[lstm][stream]") {
  const DayNumber first_day = DaysFromCivil(2016, 12, 20);
  for (NormKind norm : {NormKind::kGlobal, NormKind::kWindowMean}) {
    Model model = RandomModel(8, 14, 5, kCalendarDayOfWeek);
    model.norm = norm;
    if (norm == NormKind::kWindowMean) model.norm_offset = 1.f;
    Result<Forecaster> f = Forecaster::Create(model);
    REQUIRE(f.ok());
    auto stream = Window(MakeStreamModel(model));
    const std::vector<float> sales = RandomSales(40, 7);
    for (size_t n = 1; n <= sales.size(); ++n) {
      const DayNumber day = first_day + static_cast<DayNumber>(n - 1);
      REQUIRE(stream->Step(sales[n - 1], &day).ok());
      float got[2];
      if (n < 14) {
        CHECK(stream->Forecast(2, got).message() ==
              "the stream has seen " + std::to_string(n) + " of the 14 days the model needs before it can forecast");
        continue;
      }
      float expected[2];
      REQUIRE(f->Forecast(&sales[n - 14], 14, day + 1, 2, expected).ok());
      REQUIRE(stream->Forecast(2, got).ok());
      INFO("norm=" << NormKindName(norm) << " n=" << n);
      CHECK(SameBits(got, expected, 2));
    }
  }
}

TEST_CASE("window-mean models refuse LSTM-state streaming and say why", "[lstm][stream]") {
  Model model = RandomModel(4, 30, 1);
  model.norm = NormKind::kWindowMean;
  model.norm_offset = 1.f;
  Result<std::unique_ptr<SeriesStream>> s = MakeLstmStream(MakeStreamModel(model));
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == StatusCode::kUnsupported);
  CHECK(s.status().message() ==
        "this model normalises each window by its own mean (window-mean): every new day changes the scale of "
        "all the inputs before it, so the LSTM state cannot be carried forward one step at a time; use a "
        "window stream, which keeps the last 30 days and re-runs the window for each forecast");
}

TEST_CASE("a restored state continues exactly like an uninterrupted stream", "[lstm][stream]") {
  const DayNumber first_day = DaysFromCivil(2017, 5, 1);
  for (bool window_kind : {false, true}) {
    for (uint8_t calendar : {uint8_t{kCalendarNone}, uint8_t{kCalendarMonth}}) {
      const Model model = StackedRandomModel(16, 4, 12, 11, calendar);
      auto sm = MakeStreamModel(model);
      auto make = [&] { return window_kind ? Window(sm) : Lstm(sm); };
      const std::vector<float> sales = RandomSales(50, 3);
      const bool dates = calendar != kCalendarNone;
      auto uninterrupted = make();
      Feed(uninterrupted.get(), sales, 0, 50, first_day, dates);
      for (size_t cut : {0u, 1u, 5u, 12u, 31u}) {
        INFO("window=" << window_kind << " calendar=" << int(calendar) << " cut=" << cut);
        auto before = make();
        Feed(before.get(), sales, 0, cut, first_day, dates);
        const std::vector<uint8_t> saved = before->SaveState();
        auto after = make();  // a fresh page: new stream, then the saved bytes
        REQUIRE(after->RestoreState(saved.data(), saved.size()).ok());
        CHECK(after->steps() == cut);
        CHECK(after->SaveState() == saved);
        for (size_t i = cut; i < 50; ++i) {
          // After a restore, dates may be left out: they continue from the saved last day.
          // Only a calendar stream's very first step needs one.
          const DayNumber day = first_day + static_cast<DayNumber>(i);
          REQUIRE(after->Step(sales[i], dates && i == 0 ? &day : nullptr).ok());
        }
        float a[4], b[4];
        REQUIRE(uninterrupted->Forecast(4, a).ok());
        REQUIRE(after->Forecast(4, b).ok());
        CHECK(SameBits(a, b, 4));
      }
    }
  }
}

TEST_CASE("an LSTM-16 state is compact", "[lstm][stream]") {
  auto stream = Lstm(MakeStreamModel(RandomModel(16, 30, 1)));
  // Header 32 + h and c of 16 units as float32 + CRC32.
  CHECK(stream->SaveState().size() == 32 + 2 * 16 * 4 + 4);
  auto window = Window(MakeStreamModel(RandomModel(16, 30, 1)));
  Feed(window.get(), RandomSales(45, 1), 0, 45, 0, false);
  CHECK(window->SaveState().size() == 32 + 30 * 4 + 4);
}

TEST_CASE("restoring refuses states that are not this stream's", "[lstm][stream]") {
  const Model model = RandomModel(8, 10, 1);
  auto sm = MakeStreamModel(model);
  auto stream = Lstm(sm);
  Feed(stream.get(), RandomSales(12, 1), 0, 12, 0, false);
  const std::vector<uint8_t> good = stream->SaveState();
  auto target = Lstm(sm);
  auto restore = [&](const std::vector<uint8_t>& bytes) {
    return target->RestoreState(bytes.data(), bytes.size());
  };

  CHECK(restore(std::vector<uint8_t>(good.begin(), good.begin() + 20)).message() ==
        "stream state truncated: 20 bytes, at least 36 needed");
  std::vector<uint8_t> bad = good;
  bad[0] = 'X';
  CHECK(restore(bad).message() == "not a shelfcast stream state (it does not start with 'SHST')");
  bad = good;
  bad[4] = 2;
  CHECK(restore(bad).message() == "unsupported stream state version 2 (this build reads version 1)");
  bad = good;
  bad.push_back(0);
  CHECK(restore(bad).message() == "stream state has 101 bytes, its header promises 100");
  bad = good;
  bad[40] ^= 0x01;
  CHECK(restore(bad).message() == "stream state checksum mismatch (the saved state is corrupt)");
  bad = good;
  bad[6] = 2;
  FixStateCrc(&bad);
  CHECK(restore(bad).message() == "this state belongs to a window stream, not an LSTM-state stream");
  bad = good;
  bad[7] = 0x80;
  FixStateCrc(&bad);
  CHECK(restore(bad).message() == "stream state has unknown flags 128");
  bad = good;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&bad[32 + 4 * 3], &nan, 4);
  FixStateCrc(&bad);
  CHECK(restore(bad).message() == "stream state value 3 is not a finite number");

  // Another model: same shape, other weights.
  auto other = Lstm(MakeStreamModel(RandomModel(8, 10, 2)));
  Status s = other->RestoreState(good.data(), good.size());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(s.message(), StartsWith("this state was saved from another model (model fingerprint "));
  // A window stream's state into an LSTM-state stream.
  auto window = Window(sm);
  const std::vector<uint8_t> wstate = window->SaveState();
  CHECK(restore(wstate).message() == "this state belongs to a window stream, not an LSTM-state stream");

  // None of the refusals touched the target.
  CHECK(target->steps() == 0);
  REQUIRE(restore(good).ok());
  CHECK(target->steps() == 12);
}

TEST_CASE("bad steps and early forecasts are refused with a reason", "[lstm][stream]") {
  auto calendar = Lstm(MakeStreamModel(RandomModel(4, 5, 1, kCalendarDayOfWeek)));
  CHECK(calendar->Step(3.f, nullptr).message() ==
        "stream step 1: this model uses calendar features: give the date of the first observation");
  const DayNumber d = DaysFromCivil(2017, 3, 3);
  REQUIRE(calendar->Step(3.f, &d).ok());
  const DayNumber gap = d + 2;
  CHECK(calendar->Step(4.f, &gap).message() ==
        "stream step 2: date 2017-03-05 does not follow the previous step's 2017-03-03 (a stream takes "
        "consecutive days; feed the days between)");
  CHECK(calendar->Step(std::numeric_limits<float>::infinity(), nullptr).message() ==
        "stream step 2: value is not a finite number");
  float out[2];
  CHECK(calendar->Forecast(2, out).message() ==
        "the stream has seen 1 of the 5 days the model needs before it can forecast");
  CHECK(calendar->steps() == 1);
  for (int i = 0; i < 4; ++i) REQUIRE(calendar->Step(5.f, nullptr).ok());
  CHECK(calendar->last_day() == d + 4);
  CHECK(calendar->Forecast(0, out).message() == "horizon 0 is outside 1..366");
  CHECK(calendar->Forecast(2, out).ok());
}
