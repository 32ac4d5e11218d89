// Reference qs16-lstm-cell variants: the fixed-point formulas of qs16-lstm-cell.h.
#include <array>

#include "kernels/qs16-lstm-cell/qs16-lstm-cell.h"

namespace shelfcast {
namespace {

// Tables of f(x) in Q0.15 at x = -8 + s / 32, s = 0..512 (the Q3.12 range in 512
// segments of 128 input steps). Built at compile time from a series exp in double, so
// every compiler and target holds the same bits without calling libm:
//   e^x = (e^(x/1024))^1024, the inner e^y by its Taylor series to degree 10 (|y| <= 1/64,
//   truncation < 1e-28), relative error of the whole < 1e-12, far below the Q0.15 step.
constexpr double SeriesExp(double x) {
  const double y = x / 1024.0;
  double term = 1.0, sum = 1.0;
  for (int n = 1; n <= 10; ++n) {
    term = term * y / n;
    sum += term;
  }
  for (int i = 0; i < 10; ++i) sum *= sum;
  return sum;
}

constexpr double SigmoidD(double x) { return 1.0 / (1.0 + SeriesExp(-x)); }
constexpr double TanhD(double x) { return 1.0 - 2.0 / (SeriesExp(2.0 * x) + 1.0); }

template <double (*F)(double)>
constexpr std::array<int16_t, 513> MakeTable() {
  std::array<int16_t, 513> t{};
  for (int s = 0; s <= 512; ++s) {
    const double v = F(-8.0 + s / 32.0) * 32768.0;
    const double r = v >= 0 ? v + 0.5 : v - 0.5;  // round half away from zero
    const int32_t q = static_cast<int32_t>(r);
    t[static_cast<size_t>(s)] = static_cast<int16_t>(q > 32767 ? 32767 : (q < -32767 ? -32767 : q));
  }
  return t;
}

constexpr std::array<int16_t, 513> kSigmoidTable = MakeTable<SigmoidD>();
constexpr std::array<int16_t, 513> kTanhTable = MakeTable<TanhD>();

// Q3.12 -> Q0.15 by table and linear interpolation between the two nearest entries:
// u = x + 2^15 in [0, 65535], segment u >> 7, position (u & 127) / 128 inside it.
inline int16_t Lookup(const std::array<int16_t, 513>& table, int16_t x) {
  const uint32_t u = static_cast<uint32_t>(static_cast<int32_t>(x) + 32768);
  const uint32_t seg = u >> 7;
  const int32_t frac = static_cast<int32_t>(u & 127u);
  const int32_t a = table[seg], b = table[seg + 1];
  return static_cast<int16_t>(a + (((b - a) * frac + 64) >> 7));
}

// 0.2 * 2^15 / 2^12 = 1.6: hard_sigmoid(x) in Q0.15 = 2^14 + round(1.6 x), clamped.
// 1.6 = 0.8 * 2^1, 0.8 * 2^31 = 1717986918.4 -> m = 1717986918 (what MakeFixedMultiplier
// gives; the unit test checks it).
constexpr FixedMultiplier kHardSigmoidSlope{1717986918, 1};

}  // namespace

int16_t Qs16Sigmoid(int16_t x) { return Lookup(kSigmoidTable, x); }
int16_t Qs16Tanh(int16_t x) { return Lookup(kTanhTable, x); }
int16_t Qs16HardSigmoid(int16_t x) {
  const int64_t y = 16384 + Rescale(x, kHardSigmoidSlope);
  return static_cast<int16_t>(y < 0 ? 0 : (y > 32767 ? 32767 : y));
}

void qs16_lstm_cell__scalar(const Qs16LstmCellParams& p, const int32_t* acc_x, const int32_t* acc_h, int16_t* c,
                            int16_t* h) {
  const size_t units = p.units;
  const int frac = p.cell_frac_bits;
  auto gate = [&](size_t j) {
    const int64_t g = Rescale(acc_x[j], p.input_multiplier[j]) + Rescale(acc_h[j], p.recurrent_multiplier[j]) +
                      p.bias[j];
    return static_cast<int16_t>(SaturateInt16(g));
  };
  const auto RA = [&](int16_t x) -> int32_t { return p.hard_sigmoid ? Qs16HardSigmoid(x) : Qs16Sigmoid(x); };
  for (size_t u = 0; u < units; ++u) {
    const int32_t i = RA(gate(u));
    const int32_t f = RA(gate(units + u));
    const int32_t g = Qs16Tanh(gate(2 * units + u));
    const int32_t o = RA(gate(3 * units + u));
    // f c: Q0.15 * Q(15-F).F = Q.(15+F); i c~: Q0.15 * Q0.15 = Q0.30; both back to Q.F.
    const int32_t fc = (f * c[u] + (1 << 14)) >> 15;
    const int32_t ig = (i * g + (1 << (29 - frac))) >> (30 - frac);
    const int32_t cell = SaturateInt16(static_cast<int64_t>(fc) + ig);
    c[u] = static_cast<int16_t>(cell);
    // c' from Q.F to the tables' Q3.12.
    int32_t t_in;
    if (frac > 12) {
      t_in = (cell + (1 << (frac - 13))) >> (frac - 12);
    } else {
      t_in = SaturateInt16(static_cast<int64_t>(cell) * (1 << (12 - frac)));
    }
    const int32_t t = Qs16Tanh(static_cast<int16_t>(t_in));
    const int64_t hq = Rescale(o * t, p.hidden_multiplier);  // o tanh(c') in Q0.30 -> h_q
    h[u] = static_cast<int16_t>(hq > 127 ? 127 : (hq < -127 ? -127 : hq));
  }
}

}  // namespace shelfcast
