#include "model_cases.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "format/crc32.h"
#include "format/encoding.h"
#include "format/half.h"
#include "format/reader.h"

namespace shelfcast::fuzzing {
namespace {

// Byte offsets in a v1 file (docs/model-format.md).
constexpr size_t kPayloadBytesAt = 8;
constexpr size_t kCrcAt = 12;
constexpr size_t kWindowAt = 16;
constexpr size_t kHorizonAt = 18;
constexpr size_t kNormAt = 20;
constexpr size_t kCalendarAt = 21;
constexpr size_t kLayerCountAt = 22;
constexpr size_t kReservedAt = 23;
constexpr size_t kNormOffsetAt = 24;
constexpr size_t kLayer0At = 32;   // kind, activation, recurrent activation, tensors, inputs u16, units u16
constexpr size_t kTensor0At = 40;  // role, encoding, rows u16, cols u16, byte count u32, data
constexpr size_t kTensor0DataAt = 50;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

void PutU16(uint32_t v, std::vector<uint8_t>* out) {
  out->push_back(static_cast<uint8_t>(v));
  out->push_back(static_cast<uint8_t>(v >> 8));
}
void PutU32(uint32_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void SetU16(std::vector<uint8_t>* f, size_t at, uint16_t v) {
  (*f)[at] = static_cast<uint8_t>(v);
  (*f)[at + 1] = static_cast<uint8_t>(v >> 8);
}
void SetU32(std::vector<uint8_t>* f, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*f)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void SetF32(std::vector<uint8_t>* f, size_t at, float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  SetU32(f, at, bits);
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

// LSTM(hidden) + Dense(1) with weights ~ U(-0.3, 0.3) fixed by the seed.
Model Random(uint32_t hidden, uint32_t window, uint8_t calendar = kCalendarNone, uint32_t seed = 1) {
  Model m = MakeLstmForecaster(hidden, window, calendar);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  for (Layer& layer : m.layers)
    for (Tensor& t : layer.tensors)
      for (float& v : t.dense) v = u(rng);
  m.norm_offset = 52.f;
  m.norm_scale = 28.f;
  return m;
}

void ToF16(Tensor* t) {
  t->encoding = Encoding::kF16;
  for (float& v : t->dense) v = RoundToHalf(v);
}

// Keeps the entries whose index i satisfies keep(i); the rest are zero.
template <typename Keep>
void ToSparseF32(Tensor* t, Keep keep) {
  const std::vector<float> dense = t->ToDense();
  t->encoding = Encoding::kSparseF32;
  t->mask.assign((t->size() + 7) / 8, 0);
  t->sparse_values.clear();
  for (size_t i = 0; i < dense.size(); ++i)
    if (keep(i)) {
      t->mask[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
      t->sparse_values.push_back(dense[i]);
    }
  t->dense.clear();
}

// Symmetric per-column int8: scale = max|w| / 127 rounded to binary16.
void ToInt8(Tensor* t) {
  const std::vector<float> dense = t->ToDense();
  t->encoding = Encoding::kInt8;
  t->scales.assign(t->cols, 0.f);
  for (size_t i = 0; i < dense.size(); ++i)
    t->scales[i % t->cols] = std::max(t->scales[i % t->cols], std::fabs(dense[i]) / 127.f);
  for (float& s : t->scales) s = RoundToHalf(s);
  t->q.resize(dense.size());
  for (size_t i = 0; i < dense.size(); ++i) {
    const float s = t->scales[i % t->cols];
    const float q = s > 0.f ? std::round(dense[i] / s) : 0.f;
    t->q[i] = static_cast<int8_t>(std::max(-127.f, std::min(127.f, q)));
  }
  t->dense.clear();
}

template <typename Keep>
void ToSparseInt8(Tensor* t, Keep keep) {
  ToInt8(t);
  const std::vector<int8_t> all = t->q;
  t->encoding = Encoding::kSparseInt8;
  t->mask.assign((t->size() + 7) / 8, 0);
  t->q.clear();
  for (size_t i = 0; i < all.size(); ++i)
    if (keep(i)) {
      t->mask[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
      t->q.push_back(all[i]);
    }
}

Tensor& Kernel(Model& m, size_t layer = 0) { return *m.layers[layer].Find(TensorRole::kKernel); }
Tensor& Recurrent(Model& m, size_t layer = 0) { return *m.layers[layer].Find(TensorRole::kRecurrentKernel); }

// The first n bytes of a file, with the header made to agree (so parsing, not the
// truncation check, meets the end).
std::vector<uint8_t> Prefix(std::vector<uint8_t> f, size_t n) {
  f.resize(n);
  FixHeader(&f);
  return f;
}

}  // namespace

void FixHeader(std::vector<uint8_t>* file) {
  const size_t payload = file->size() - kModelHeaderBytes;
  SetU32(file, kPayloadBytesAt, static_cast<uint32_t>(payload));
  SetU32(file, kCrcAt, Crc32(file->data() + kModelHeaderBytes, payload));
}

std::vector<uint8_t> RawModelFile(const Model& model, const TensorDataEdit& edit) {
  std::vector<uint8_t> f(kModelMagic, kModelMagic + 4);
  PutU16(kModelFormatVersion, &f);
  PutU16(0, &f);
  PutU32(0, &f);
  PutU32(0, &f);
  PutU16(model.window, &f);
  PutU16(model.horizon, &f);
  f.push_back(static_cast<uint8_t>(model.norm));
  f.push_back(model.calendar);
  f.push_back(static_cast<uint8_t>(model.layers.size()));
  f.push_back(0);
  uint32_t bits;
  std::memcpy(&bits, &model.norm_offset, 4);
  PutU32(bits, &f);
  std::memcpy(&bits, &model.norm_scale, 4);
  PutU32(bits, &f);
  for (size_t li = 0; li < model.layers.size(); ++li) {
    const Layer& layer = model.layers[li];
    f.push_back(static_cast<uint8_t>(layer.kind));
    f.push_back(static_cast<uint8_t>(layer.activation));
    f.push_back(static_cast<uint8_t>(layer.recurrent_activation));
    f.push_back(static_cast<uint8_t>(layer.tensors.size()));
    PutU16(layer.inputs, &f);
    PutU16(layer.units, &f);
    for (size_t ti = 0; ti < layer.tensors.size(); ++ti) {
      const Tensor& t = layer.tensors[ti];
      std::vector<uint8_t> data;
      const Status s = EncodeTensorData(t, &data);
      if (!s.ok()) {
        std::fprintf(stderr, "RawModelFile: %s\n", s.message().c_str());
        std::abort();  // a broken test case, not a finding
      }
      if (edit) edit(li, ti, &data);
      f.push_back(static_cast<uint8_t>(t.role));
      f.push_back(static_cast<uint8_t>(t.encoding));
      PutU16(t.rows, &f);
      PutU16(t.cols, &f);
      PutU32(static_cast<uint32_t>(data.size()), &f);
      f.insert(f.end(), data.begin(), data.end());
    }
  }
  FixHeader(&f);
  return f;
}

std::vector<ModelCase> ModelCases() {
  std::vector<ModelCase> cases;
  auto valid = [&](std::string name, const Model& m) {
    cases.push_back({"valid-" + name, RawModelFile(m), StatusCode::kOk, ""});
  };
  auto bad = [&](std::string name, std::vector<uint8_t> bytes, StatusCode code, std::string message) {
    cases.push_back({"bad-" + name, std::move(bytes), code, std::move(message)});
  };
  const StatusCode kData = StatusCode::kInvalidData;
  const StatusCode kUnsup = StatusCode::kUnsupported;
  const StatusCode kLimit = StatusCode::kLimitExceeded;

  // ---- Valid files: sizes around the kernels' tiles, calendars, every encoding. ----
  valid("lstm1-window1", Random(1, 1));
  valid("lstm7-window30", Random(7, 30, kCalendarNone, 7));
  valid("lstm17-dow-month-horizon14", [] {
    Model m = Random(17, 30, kCalendarDayOfWeek | kCalendarMonth, 17);
    m.horizon = 14;
    return m;
  }());
  valid("lstm8-month-window-mean", [] {
    Model m = Random(8, 12, kCalendarMonth, 8);
    m.norm = NormKind::kWindowMean;
    m.norm_offset = 1.f;
    m.norm_scale = 1.f;
    return m;
  }());
  valid("lstm1-window1024-horizon366", [] {
    Model m = Random(1, 1024, kCalendarDayOfWeek, 2);
    m.horizon = 366;
    return m;
  }());
  valid("lstm16-f16", [] {
    Model m = Random(16, 30, kCalendarDayOfWeek, 16);
    for (Layer& l : m.layers)
      for (Tensor& t : l.tensors) ToF16(&t);
    return m;
  }());
  valid("lstm3-sparse-f32-mask-padding", [] {
    Model m = Random(3, 10, kCalendarNone, 3);  // kernel 1x12, recurrent 3x12: masks end mid-byte
    ToSparseF32(&Kernel(m), [](size_t i) { return i % 3 != 1; });
    ToSparseF32(&Recurrent(m), [](size_t i) { return i % 2 == 0; });
    return m;
  }());
  valid("lstm16-sparse-f32-empty-mask", [] {
    Model m = Random(16, 30);
    ToSparseF32(&Recurrent(m), [](size_t) { return false; });
    return m;
  }());
  valid("lstm16-int8", [] {
    Model m = Random(16, 30, kCalendarNone, 61);
    ToInt8(&Kernel(m));
    ToInt8(&Recurrent(m));
    return m;
  }());
  valid("lstm16-sparse-int8", [] {
    Model m = Random(16, 30, kCalendarMonth, 62);
    ToSparseInt8(&Kernel(m), [](size_t i) { return i % 5 != 0; });
    ToSparseInt8(&Recurrent(m), [](size_t i) { return i % 4 == 1; });
    return m;
  }());
  valid("lstm5-int8-extremes", [] {
    // +-127, 0, a zero scale, the largest and the smallest (subnormal) binary16 scales.
    Model m = Random(5, 7, kCalendarNone, 5);
    Tensor& u = Recurrent(m);
    ToInt8(&u);
    for (size_t i = 0; i < u.q.size(); ++i) u.q[i] = static_cast<int8_t>(i % 3 == 0 ? 127 : i % 3 == 1 ? -127 : 0);
    u.scales[0] = 0.f;
    u.scales[1] = 65504.f;
    u.scales[2] = 5.960464477539063e-08f;
    return m;
  }());
  valid("lstm4-f32-extremes", [] {
    // Finite but hostile: FLT_MAX, -FLT_MAX, subnormals and -0 weights; kernels must not
    // misbehave when sums overflow to infinity.
    Model m = Random(4, 5, kCalendarNone, 4);
    std::vector<float>& w = Recurrent(m).dense;
    w[0] = std::numeric_limits<float>::max();
    w[1] = -std::numeric_limits<float>::max();
    w[2] = std::numeric_limits<float>::denorm_min();
    w[3] = -0.f;
    return m;
  }());
  valid("2lstm-3dense-dow-month", [] {
    Model m;
    m.window = 7;
    m.horizon = 3;
    m.calendar = kCalendarDayOfWeek | kCalendarMonth;
    m.norm_offset = 10.f;
    m.norm_scale = 5.f;
    m.layers.push_back(MakeLstmLayer(20, 12, Activation::kHardSigmoid));
    m.layers.push_back(MakeLstmLayer(12, 6, Activation::kRelu));
    m.layers.push_back(MakeDenseLayer(6, 4, Activation::kRelu));
    m.layers.push_back(MakeDenseLayer(4, 3, Activation::kTanh));
    m.layers.push_back(MakeDenseLayer(3, 1, Activation::kLinear));
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    for (Layer& l : m.layers)
      for (Tensor& t : l.tensors)
        for (float& v : t.dense) v = u(rng);
    return m;
  }());
  valid("dense-head-every-encoding", [] {
    Model m = Random(6, 9, kCalendarNone, 6);
    m.layers.back() = MakeDenseLayer(6, 5, Activation::kSigmoid);
    m.layers.push_back(MakeDenseLayer(5, 4, Activation::kRelu));
    m.layers.push_back(MakeDenseLayer(4, 1, Activation::kLinear));
    std::mt19937 rng(12);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    for (size_t li = 1; li < m.layers.size(); ++li)
      for (Tensor& t : m.layers[li].tensors)
        for (float& v : t.dense) v = u(rng);
    ToSparseF32(&Kernel(m, 1), [](size_t i) { return i % 2 == 0; });
    ToInt8(&Kernel(m, 2));
    ToSparseInt8(&Kernel(m, 3), [](size_t i) { return i != 1; });
    ToF16(m.layers[3].Find(TensorRole::kBias));
    return m;
  }());

  // ---- The file and its header. ----
  const Model base = Random(16, 30, kCalendarNone, 3);
  const std::vector<uint8_t> good = RawModelFile(base);  // LSTM(16) + Dense(1), f32
  const size_t payload = good.size() - kModelHeaderBytes;

  bad("empty", {}, kData, "model file truncated: 0 bytes, the header alone needs 16");
  bad("header-15-bytes", {good.begin(), good.begin() + 15}, kData,
      "model file truncated: 15 bytes, the header alone needs 16");
  bad("header-only", Prefix(good, 16), kData,
      "unexpected end of payload reading window at byte 16: needs 2 bytes, 0 left");
  bad("magic-zip", [&] {
    std::vector<uint8_t> f = good;
    std::memcpy(f.data(), "PK\x03\x04", 4);
    return f;
  }(), kData, "not a shelfcast model file: magic is 'PK\\x03\\x04', expected 'SHCF'");
  bad("magic-lowercase", [&] {
    std::vector<uint8_t> f = good;
    f[0] = 's';
    return f;
  }(), kData, "not a shelfcast model file: magic is 'sHCF', expected 'SHCF'");
  for (uint16_t version : {0, 2, 0xFFFF}) {
    std::vector<uint8_t> f = good;
    SetU16(&f, 4, version);
    bad("version-" + std::to_string(version), f, kUnsup,
        "unsupported model format version " + std::to_string(version) + " (this build reads version 1)");
  }
  bad("flags-set", [&] {
    std::vector<uint8_t> f = good;
    SetU16(&f, 6, 0x8001);
    return f;
  }(), kUnsup, "unsupported header flags 0x00008001");
  for (uint32_t promised : {uint32_t(payload + 1), 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    std::vector<uint8_t> f = good;
    SetU32(&f, kPayloadBytesAt, promised);
    bad("payload-count-" + std::to_string(promised), f, kData,
        "model file truncated: header promises " + std::to_string(promised) + " payload bytes, the file holds " +
            std::to_string(payload));
  }
  bad("payload-count-short", [&] {
    std::vector<uint8_t> f = good;
    SetU32(&f, kPayloadBytesAt, static_cast<uint32_t>(payload - 3));
    return f;
  }(), kData, "model file has 3 unexpected bytes after the payload");
  bad("payload-count-zero", [&] {
    std::vector<uint8_t> f = good;
    SetU32(&f, kPayloadBytesAt, 0);
    return f;
  }(), kData, "model file has " + std::to_string(payload) + " unexpected bytes after the payload");
  bad("crc-wrong", [&] {
    std::vector<uint8_t> f = good;
    SetU32(&f, kCrcAt, 0xDEADBEEF);
    return f;
  }(), kData,
      "checksum mismatch: payload CRC32 is " + Hex32(Crc32(good.data() + 16, payload)) +
          ", header says 0xDEADBEEF (the file is corrupt)");
  bad("crc-flipped-payload-bit", [&] {
    std::vector<uint8_t> f = good;
    f[100] ^= 0x04;
    return f;
  }(), kData, [&] {
    std::vector<uint8_t> f = good;
    f[100] ^= 0x04;
    return "checksum mismatch: payload CRC32 is " + Hex32(Crc32(f.data() + 16, payload)) + ", header says " +
           Hex32(Crc32(good.data() + 16, payload)) + " (the file is corrupt)";
  }());

  // Truncated at every structure: model header, layer header, tensor header, tensor data.
  bad("truncated-in-norm-scale", Prefix(good, 30), kData,
      "unexpected end of payload reading normalisation scale at byte 28: needs 4 bytes, 2 left");
  bad("truncated-in-layer-header", Prefix(good, 39), kData,
      "unexpected end of payload reading layer units at byte 38: needs 2 bytes, 1 left");
  bad("truncated-in-tensor-header", Prefix(good, 47), kData,
      "unexpected end of payload reading tensor byte count at byte 46: needs 4 bytes, 1 left");
  bad("truncated-in-tensor-data", Prefix(good, 100), kData,
      "unexpected end of payload reading tensor data at byte 50: needs 256 bytes, 50 left");
  bad("truncated-last-byte", Prefix(good, good.size() - 1), kData,
      "unexpected end of payload reading tensor data at byte " + std::to_string(good.size() - 4) +
          ": needs 4 bytes, 3 left");
  bad("payload-trailing-bytes", [&] {
    std::vector<uint8_t> f = good;
    f.insert(f.end(), {0, 0, 0, 0, 0});
    FixHeader(&f);
    return f;
  }(), kData, "5 unread bytes at the end of the payload");

  // ---- Model fields. ----
  auto patched = [&](size_t at, uint16_t v, bool u16 = true) {
    std::vector<uint8_t> f = good;
    if (u16) SetU16(&f, at, v); else f[at] = static_cast<uint8_t>(v);
    FixHeader(&f);
    return f;
  };
  bad("reserved-byte", patched(kReservedAt, 7, false), kData, "reserved model byte is 7, expected 0");
  for (uint8_t norm : {0, 3, 255})
    bad("norm-kind-" + std::to_string(norm), patched(kNormAt, norm, false), kUnsup,
        "unknown normalisation kind " + std::to_string(norm));
  bad("calendar-bit-4", patched(kCalendarAt, 4, false), kUnsup, "unknown calendar feature bits 4");
  bad("calendar-bits-255", patched(kCalendarAt, 255, false), kUnsup, "unknown calendar feature bits 255");
  for (uint16_t window : {0, 1025, 0xFFFF})
    bad("window-" + std::to_string(window), patched(kWindowAt, window), kLimit,
        "window of " + std::to_string(window) + " days is outside 1..1024");
  for (uint16_t horizon : {0, 367, 0xFFFF})
    bad("horizon-" + std::to_string(horizon), patched(kHorizonAt, horizon), kLimit,
        "horizon of " + std::to_string(horizon) + " days is outside 1..366");
  auto norm_params = [&](float offset, float scale) {
    std::vector<uint8_t> f = good;
    SetF32(&f, kNormOffsetAt, offset);
    SetF32(&f, kNormOffsetAt + 4, scale);
    FixHeader(&f);
    return f;
  };
  bad("norm-offset-nan", norm_params(kNaN, 1.f), kData, "normalisation parameters must be finite numbers");
  bad("norm-scale-inf", norm_params(0.f, kInf), kData, "normalisation parameters must be finite numbers");
  bad("norm-scale-minus-inf", norm_params(0.f, -kInf), kData, "normalisation parameters must be finite numbers");
  bad("norm-scale-zero", norm_params(52.f, 0.f), kData, "global normalisation needs a scale > 0, got 0.000000");
  bad("norm-scale-negative", norm_params(52.f, -1.f), kData, "global normalisation needs a scale > 0, got -1.000000");
  bad("window-mean-offset-zero", [&] {
    std::vector<uint8_t> f = norm_params(0.f, 1.f);
    f[kNormAt] = static_cast<uint8_t>(NormKind::kWindowMean);
    FixHeader(&f);
    return f;
  }(), kData, "window-mean normalisation needs an offset > 0 (it keeps all-zero windows finite), got 0.000000");

  // ---- Layers: counts, kinds, activations, dimensions. ----
  for (uint8_t n : {7, 255})
    bad("layer-count-" + std::to_string(n), patched(kLayerCountAt, n, false), kLimit,
        std::to_string(n) + " layers exceed the cap of 6");
  bad("layer-count-0", Prefix(patched(kLayerCountAt, 0, false), kLayer0At), kData,
      "a model needs at least an LSTM layer and a Dense(1) output layer, found 0 layer(s)");
  bad("layer-count-1", [&] {
    Model m = base;
    m.layers.pop_back();
    return RawModelFile(m);
  }(), kData, "a model needs at least an LSTM layer and a Dense(1) output layer, found 1 layer(s)");
  bad("layer-count-says-3", patched(kLayerCountAt, 3, false), kData,
      "unexpected end of payload reading layer kind at byte " + std::to_string(good.size()) + ": needs 1 bytes, 0 left");
  bad("lstm-layers-3", [&] {
    Model m = base;
    m.layers.insert(m.layers.begin() + 1, MakeLstmLayer(16, 16));
    m.layers.insert(m.layers.begin() + 1, MakeLstmLayer(16, 16));
    return RawModelFile(m);
  }(), kLimit, "more than 2 LSTM layers");
  bad("layers-7-valid-shapes", [&] {
    Model m = base;
    for (int i = 0; i < 5; ++i) m.layers.insert(m.layers.end() - 1, MakeDenseLayer(16, 16, Activation::kRelu));
    return RawModelFile(m);
  }(), kLimit, "7 layers exceed the cap of 6");
  for (uint8_t kind : {0, 3, 255})
    bad("layer-kind-" + std::to_string(kind), patched(kLayer0At, kind, false), kUnsup,
        "layer 0: unknown layer kind " + std::to_string(kind));
  bad("activation-6", patched(kLayer0At + 1, 6, false), kUnsup, "layer 0: unknown activation 6");
  bad("recurrent-activation-200", patched(kLayer0At + 2, 200, false), kUnsup, "layer 0: unknown activation 200");
  for (uint16_t units : {513, 0xFFFF})
    bad("units-" + std::to_string(units), patched(kLayer0At + 6, units), kLimit,
        "lstm0: " + std::to_string(units) + " units exceed the cap of 512");
  for (uint16_t inputs : {513, 0xFFFF})
    bad("inputs-" + std::to_string(inputs), patched(kLayer0At + 4, inputs), kLimit,
        "lstm0: " + std::to_string(inputs) + " inputs exceed the cap of 512");
  bad("inputs-65", patched(kLayer0At + 4, 65), kLimit, "lstm0: 65 input features exceed the cap of 64");
  bad("inputs-disagree-with-calendar", patched(kLayer0At + 4, 8), kData,
      "lstm0: takes 8 inputs, but the model feeds 1 (sales + calendar features)");
  bad("units-0", [&] {
    Model m = base;
    m.layers[0] = MakeLstmLayer(1, 0);
    m.layers[1] = MakeDenseLayer(0, 1, Activation::kLinear);
    return RawModelFile(m);
  }(), kLimit, "lstm0: 0 units are outside 1..512");
  for (uint8_t n : {9, 255})
    bad("tensor-count-" + std::to_string(n), patched(kLayer0At + 3, n, false), kLimit,
        "lstm0: " + std::to_string(n) + " tensors exceed the cap of 8");
  bad("tensor-count-0", [&] {
    Model m = base;
    m.layers[0].tensors.clear();
    return RawModelFile(m);
  }(), kData, "lstm0/kernel: tensor is missing");
  bad("dense-first", [&] {
    Model m = base;
    std::swap(m.layers[0], m.layers[1]);
    return RawModelFile(m);
  }(), kUnsup, "dense0: the first layer must be an LSTM");
  bad("lstm-after-dense", [&] {
    Model m = base;
    m.layers.insert(m.layers.end() - 1, MakeDenseLayer(16, 16, Activation::kRelu));
    m.layers.insert(m.layers.end() - 1, MakeLstmLayer(16, 16));
    return RawModelFile(m);
  }(), kUnsup, "lstm2: LSTM layers must come before Dense layers");
  bad("lstm-cell-sigmoid", [&] {
    Model m = base;
    m.layers[0].activation = Activation::kSigmoid;
    return RawModelFile(m);
  }(), kUnsup, "lstm0: cell activation sigmoid is not supported (tanh only)");
  bad("lstm-recurrent-linear", [&] {
    Model m = base;
    m.layers[0].recurrent_activation = Activation::kLinear;
    return RawModelFile(m);
  }(), kUnsup, "lstm0: recurrent activation linear is not supported");
  bad("dense-hard-sigmoid", [&] {
    Model m = base;
    m.layers.insert(m.layers.end() - 1, MakeDenseLayer(16, 16, Activation::kHardSigmoid));
    return RawModelFile(m);
  }(), kUnsup, "dense1: activation hard_sigmoid is not supported in Dense layers");
  bad("output-dense2", [&] {
    Model m = base;
    m.layers[1] = MakeDenseLayer(16, 2, Activation::kLinear);
    return RawModelFile(m);
  }(), kUnsup, "dense1: the output layer must be a linear Dense(1)");
  bad("output-relu", [&] {
    Model m = base;
    m.layers[1].activation = Activation::kRelu;
    return RawModelFile(m);
  }(), kUnsup, "dense1: the output layer must be a linear Dense(1)");
  bad("output-lstm", [&] {
    Model m = base;
    m.layers[1] = MakeLstmLayer(16, 1);
    return RawModelFile(m);
  }(), kUnsup, "lstm1: the output layer must be a linear Dense(1)");
  bad("layers-do-not-chain", [&] {
    Model m = base;
    m.layers[1] = MakeDenseLayer(8, 1, Activation::kLinear);
    return RawModelFile(m);
  }(), kData, "dense1: takes 8 inputs, but the previous layer outputs 16");

  // ---- Tensors: roles, shapes, encodings, byte counts, values. ----
  for (uint8_t role : {0, 5})
    bad("tensor-role-" + std::to_string(role), patched(kTensor0At, role, false), kData,
        "lstm0: unknown tensor role " + std::to_string(role));
  bad("tensor-missing-bias", [&] {
    Model m = base;
    m.layers[0].tensors.pop_back();
    return RawModelFile(m);
  }(), kData, "lstm0/bias: tensor is missing");
  bad("tensor-duplicate-kernel", [&] {
    Model m = base;
    m.layers[0].tensors.push_back(m.layers[0].tensors[0]);
    return RawModelFile(m);
  }(), kData, "lstm0/kernel: tensor appears 2 times");
  bad("dense-recurrent-kernel", [&] {
    Model m = base;
    Tensor t = m.layers[1].tensors[0];
    t.role = TensorRole::kRecurrentKernel;
    m.layers[1].tensors.push_back(t);
    return RawModelFile(m);
  }(), kData, "dense1/recurrent_kernel: a dense layer has no recurrent kernel");
  bad("tensor-shape-2x32", [&] {
    std::vector<uint8_t> f = good;
    SetU16(&f, kTensor0At + 2, 2);
    SetU16(&f, kTensor0At + 4, 32);
    FixHeader(&f);
    return f;
  }(), kData, "lstm0/kernel: shape 2x32 does not match the layer (expected 1x64)");
  bad("tensor-shape-0x64", [&] {
    Model m = base;
    Tensor& w = Kernel(m);
    w.rows = 0;
    w.dense.clear();
    return RawModelFile(m);
  }(), kData, "lstm0/kernel: shape 0x64 does not match the layer (expected 1x64)");
  for (uint16_t rows : {2049, 0xFFFF})
    bad("tensor-rows-" + std::to_string(rows), patched(kTensor0At + 2, rows), kLimit,
        "lstm0: tensor shape " + std::to_string(rows) + "x64 exceeds the cap of 2048 per dimension");
  bad("tensor-cols-65535", patched(kTensor0At + 4, 0xFFFF), kLimit,
      "lstm0: tensor shape 1x65535 exceeds the cap of 2048 per dimension");
  bad("tensor-shape-2048x2048-small-data", [&] {
    std::vector<uint8_t> f = good;
    SetU16(&f, kTensor0At + 2, 2048);
    SetU16(&f, kTensor0At + 4, 2048);
    FixHeader(&f);
    return f;
  }(), kData, "lstm0 tensor (role 1): f32 data is 256 bytes, the shape needs 16777216");
  for (uint8_t enc : {0, 6, 255})
    bad("encoding-" + std::to_string(enc), patched(kTensor0At + 1, enc, false), kUnsup,
        "lstm0 tensor (role 1): unknown tensor encoding " + std::to_string(enc));
  bad("bias-int8", [&] {
    Model m = base;
    ToInt8(m.layers[0].Find(TensorRole::kBias));
    return RawModelFile(m);
  }(), kUnsup, "lstm0/bias: biases must be f32 or f16, not int8");
  bad("bias-sparse-f32", [&] {
    Model m = base;
    ToSparseF32(m.layers[1].Find(TensorRole::kBias), [](size_t) { return true; });
    return RawModelFile(m);
  }(), kUnsup, "dense1/bias: biases must be f32 or f16, not sparse-f32");
  for (uint32_t count : {0xFFFFFFFFu, 0x80000000u, 0x00400001u}) {
    std::vector<uint8_t> f = good;
    SetU32(&f, kTensor0At + 6, count);
    FixHeader(&f);
    bad("tensor-byte-count-" + Hex32(count), f, kData,
        "unexpected end of payload reading tensor data at byte 50: needs " + std::to_string(count) + " bytes, " +
            std::to_string(good.size() - kTensor0DataAt) + " left");
  }
  bad("f32-byte-count-short", RawModelFile(base, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 0) d->resize(d->size() - 4);
      }), kData, "lstm0 tensor (role 1): f32 data is 252 bytes, the shape needs 256");
  bad("f32-nan", [&] {
    Model m = base;
    Kernel(m).dense[5] = kNaN;
    return RawModelFile(m);
  }(), kData, "lstm0 tensor (role 1): value 5 is not a finite number");
  bad("f32-inf", [&] {
    Model m = base;
    Recurrent(m).dense[1023] = kInf;
    return RawModelFile(m);
  }(), kData, "lstm0 tensor (role 2): value 1023 is not a finite number");
  bad("f32-minus-inf-dense-bias", [&] {
    Model m = base;
    m.layers[1].Find(TensorRole::kBias)->dense[0] = -kInf;
    return RawModelFile(m);
  }(), kData, "dense1 tensor (role 3): value 0 is not a finite number");
  bad("f16-nan", [&] {
    Model m = base;
    ToF16(&Recurrent(m));
    Recurrent(m).dense[9] = kNaN;
    return RawModelFile(m);
  }(), kData, "lstm0 tensor (role 2): value 9 is not a finite number");
  bad("f16-inf", [&] {
    Model m = base;
    ToF16(&Kernel(m));
    Kernel(m).dense[0] = -kInf;
    return RawModelFile(m);
  }(), kData, "lstm0 tensor (role 1): value 0 is not a finite number");
  bad("f16-byte-count-f32", [&] {
    std::vector<uint8_t> f = good;
    f[kTensor0At + 1] = static_cast<uint8_t>(Encoding::kF16);
    FixHeader(&f);
    return f;
  }(), kData, "lstm0 tensor (role 1): f16 data is 256 bytes, the shape needs 128");

  // Sparse: masks with padding bits, counts that disagree with the mask, short masks.
  const Model sparse = [&] {
    Model m = Random(3, 10, kCalendarNone, 33);  // kernel 1x12: 2 mask bytes, 4 padding bits
    ToSparseF32(&Kernel(m), [](size_t i) { return i % 2 == 0; });
    ToSparseInt8(&Recurrent(m), [](size_t i) { return i % 3 == 0; });
    return m;
  }();
  bad("sparse-f32-padding-bits", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 0) (*d)[1] |= 0x80;
      }), kData, "lstm0 tensor (role 1): sparsity mask has bits set past the tensor's 12 entries");
  bad("sparse-f32-fewer-values-than-mask-bits", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 0) d->resize(d->size() - 4);
      }), kData, "lstm0 tensor (role 1): sparse-f32 data is 22 bytes, the shape needs 26");
  bad("sparse-f32-more-values-than-mask-bits", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 0) (*d)[0] &= 0xFE;  // one bit cleared, its value still stored
      }), kData, "lstm0 tensor (role 1): sparse-f32 data is 26 bytes, the shape needs 22");
  bad("sparse-f32-mask-short", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 0) d->resize(1);
      }), kData, "lstm0 tensor (role 1): sparse-f32 mask data is 1 bytes, the shape needs 2");
  bad("sparse-f32-nan", [&] {
    Model m = sparse;
    Kernel(m).sparse_values[3] = kNaN;
    return RawModelFile(m);
  }(), kData, "lstm0 tensor (role 1): stored value 3 is not a finite number");
  bad("sparse-f32-inf", [&] {
    Model m = sparse;
    Kernel(m).sparse_values[0] = kInf;
    return RawModelFile(m);
  }(), kData, "lstm0 tensor (role 1): stored value 0 is not a finite number");
  // Recurrent 3x12 sparse-int8: 24 scale bytes, 5 mask bytes (36 bits), 12 values.
  bad("sparse-int8-padding-bits", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 1) (*d)[24 + 4] |= 0x10;
      }), kData, "lstm0 tensor (role 2): sparsity mask has bits set past the tensor's 36 entries");
  bad("sparse-int8-fewer-values-than-mask-bits", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 1) d->pop_back();
      }), kData, "lstm0 tensor (role 2): sparse-int8 data is 40 bytes, the shape needs 41");
  bad("sparse-int8-mask-all-set", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 1) {
          for (size_t i = 24; i < 28; ++i) (*d)[i] = 0xFF;
          (*d)[28] = 0x0F;
        }
      }), kData, "lstm0 tensor (role 2): sparse-int8 data is 41 bytes, the shape needs 65");
  bad("sparse-int8-scales-and-mask-short", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 1) d->resize(20);
      }), kData, "lstm0 tensor (role 2): sparse-int8 scales + mask data is 20 bytes, the shape needs 29");
  bad("sparse-int8-minus-128", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 1) (*d)[29 + 4] = 0x80;
      }), kData, "lstm0 tensor (role 2): int8 value 4 is -128 (symmetric range is [-127, 127])");

  // Dense int8: per-column binary16 scales, then the values.
  const Model int8 = [&] {
    Model m = Random(4, 6, kCalendarNone, 44);  // recurrent 4x16: 32 scale bytes + 64 values
    ToInt8(&Recurrent(m));
    return m;
  }();
  auto int8_edit = [&](std::function<void(std::vector<uint8_t>*)> edit) {
    return RawModelFile(int8, [&](size_t l, size_t t, std::vector<uint8_t>* d) {
      if (l == 0 && t == 1) edit(d);
    });
  };
  bad("int8-minus-128-first", int8_edit([](std::vector<uint8_t>* d) { (*d)[32] = 0x80; }), kData,
      "lstm0 tensor (role 2): int8 value 0 is -128 (symmetric range is [-127, 127])");
  bad("int8-minus-128-last", int8_edit([](std::vector<uint8_t>* d) { d->back() = 0x80; }), kData,
      "lstm0 tensor (role 2): int8 value 63 is -128 (symmetric range is [-127, 127])");
  auto set_scale = [](size_t column, uint16_t half) {
    return [=](std::vector<uint8_t>* d) {
      (*d)[2 * column] = static_cast<uint8_t>(half);
      (*d)[2 * column + 1] = static_cast<uint8_t>(half >> 8);
    };
  };
  bad("int8-scale-nan", int8_edit(set_scale(2, 0x7E00)), kData,
      "lstm0 tensor (role 2): scale of column 2 is nan (scales must be finite and >= 0)");
  bad("int8-scale-inf", int8_edit(set_scale(15, 0x7C00)), kData,
      "lstm0 tensor (role 2): scale of column 15 is inf (scales must be finite and >= 0)");
  bad("int8-scale-negative", int8_edit(set_scale(0, FloatToHalf(-0.5f))), kData,
      "lstm0 tensor (role 2): scale of column 0 is -0.500000 (scales must be finite and >= 0)");
  bad("int8-byte-count-short", int8_edit([](std::vector<uint8_t>* d) { d->pop_back(); }), kData,
      "lstm0 tensor (role 2): int8 data is 95 bytes, the shape needs 96");
  bad("int8-scales-only", int8_edit([](std::vector<uint8_t>* d) { d->resize(32); }), kData,
      "lstm0 tensor (role 2): int8 data is 32 bytes, the shape needs 96");
  bad("sparse-int8-scale-nan", RawModelFile(sparse, [](size_t l, size_t t, std::vector<uint8_t>* d) {
        if (l == 0 && t == 1) { (*d)[22] = 0x01; (*d)[23] = 0xFE; }  // column 11: a negative NaN
      }), kData, "lstm0 tensor (role 2): scale of column 11 is -nan (scales must be finite and >= 0)");
  return cases;
}

}  // namespace shelfcast::fuzzing
