// vsnprintf for the core engine (shelfcast-core.wasm) only: the runtime builds its messages
// with StrFormat and std::to_string, which end in vsnprintf; musl's (printf_core, fmt_fp,
// long double arguments, wide characters) is ~8.7 KB of the core's wasm, this one ~2 KB.
// Linked before libc, it replaces musl's vsnprintf in that module alone (musl's snprintf
// calls it), so the runtime's sources stay as they are.
//
// It formats what messages use: %% c s d i u x X o p, f F e E g G with the flags - 0 + space #,
// width, precision (also *) and the length modifiers hh h l ll j z t L. Integers and text
// come out as musl's do. Floating-point digits come from one correctly rounded scaling
// v * 10^k (|k| <= 22; ties decided by the product's exact error), not musl's exact
// conversion, so they equal musl's wherever that reaches the digits asked for: 6 digits
// (%g, what messages print) of values from ~1e-17 to ~1e28, 15 from 1e-8 to 1e36. Further
// out the scaling takes two roundings, which can move a near-tie's last digit; and %f past
// 2^53 prints zeros after the 17th digit where musl prints the exact binary value
// (to_string(1e20f): 100000002004087730000.000000, musl ...087734272.000000).
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstring>

namespace {

struct Out {
  char* s;
  size_t n;    // capacity including the terminating NUL
  size_t len;  // characters produced so far (also past the capacity)
  void Put(char c) {
    if (len + 1 < n) s[len] = c;
    ++len;
  }
  void Put(const char* p, size_t k) {
    for (size_t i = 0; i < k; ++i) Put(p[i]);
  }
  void Pad(char c, int k) {
    for (; k > 0; --k) Put(c);
  }
};

// Writes prefix + zeros + body within `width` as the flags say.
void Emit(Out& o, const char* prefix, const char* body, size_t body_len, int zeros, int width, bool left, bool zero_pad) {
  const int plen = static_cast<int>(std::strlen(prefix));
  const int total = plen + zeros + static_cast<int>(body_len);
  const int fill = width > total ? width - total : 0;
  if (!left && !zero_pad) o.Pad(' ', fill);
  o.Put(prefix, static_cast<size_t>(plen));
  if (!left && zero_pad) o.Pad('0', fill);
  o.Pad('0', zeros);
  o.Put(body, body_len);
  if (left) o.Pad(' ', fill);
}

// v > 0 scaled into [1, 10) by powers of ten, largest first (few roundings); *exp10 is
// the power of ten removed.
double Scale(double v, int* exp10) {
  static const double kPow[] = {1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1};
  static const int kExp[] = {256, 128, 64, 32, 16, 8, 4, 2, 1};
  int e = 0;
  for (int i = 0; i < 9; ++i) {
    if (v >= kPow[i]) {
      v /= kPow[i];
      e += kExp[i];
    }
  }
  for (int i = 0; i < 9; ++i) {
    if (v < 1 && v * kPow[i] < 10) {
      v *= kPow[i];
      e -= kExp[i];
    }
  }
  for (; v < 1; --e) v *= 10;  // subnormals: the table above reaches 10^-511 only
  *exp10 = e;
  return v;
}

const double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Veltkamp's split of a into hi + lo, each of at most 26 significant bits.
void Split(double a, double* hi, double* lo) {
  const double c = 134217729.0 * a;  // 2^27 + 1
  *hi = c - (c - a);
  *lo = a - *hi;
}

// a * b - p exactly, for p = fl(a * b) (Dekker's product, no fma: wasm has none).
double ProductError(double a, double b, double p) {
  double ah, al, bh, bl;
  Split(a, &ah, &al);
  Split(b, &bh, &bl);
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

// v rounded to an integer, ties to even (printf's rounding of the exact value).
double RoundEven(double v) {
  const double f = std::floor(v);
  const double r = v - f;
  return r > 0.5 || (r == 0.5 && f != 2 * std::floor(f / 2)) ? f + 1 : f;  // (not fmod: 0.4 KB)
}

// v * p (or v / p) rounded to an integer as printf rounds the exact quotient or product:
// the double result can land exactly on a tie the exact one is not on, which the exact
// error of the product decides.
double RoundScaled(double v, double p, bool divide) {
  const double n = divide ? v / p : v * p;
  const double f = std::floor(n);
  if (n - f != 0.5) return RoundEven(n);
  // Exact sign of (v * p - n), or of (v - n * p) for a quotient.
  const double error = divide ? -((n * p - v) + ProductError(n, p, n * p)) : ProductError(v, p, n);
  return error > 0 ? f + 1 : error < 0 ? f : RoundEven(n);
}

// Writes the `count` decimal digits of the integer n < 10^count (zero-padded on the left).
void IntegerDigits(uint64_t n, int count, char* digits) {
  for (int i = count - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
}

// The first `count` significant decimal digits of v > 0 and the exponent of the first.
// v * 10^k in one correctly rounded operation (k within +-22), rounded half to even: exact
// for up to 15 digits except where that product already rounded; a 16th and 17th digit
// are the double's, any further digits zeros.
int Digits(double v, int count, char* digits) {
  int e0;
  const double scaled = Scale(v, &e0);
  const int exact = count < 17 ? count : 17;
  int e = e0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int k = exact - 1 - e;
    const bool one_rounding = k >= -22 && k <= 22;
    double n;
    if (one_rounding) {
      n = RoundScaled(v, kPow10[k < 0 ? -k : k], k < 0);
    } else {  // far from 1: via Scale's result, one more rounding
      e = e0;
      n = RoundEven(scaled * kPow10[exact - 1]);
    }
    if (n >= kPow10[exact]) {  // rounding carried into a new digit, or e was one low
      ++e;
      if (attempt == 0 && one_rounding) continue;
      n = RoundEven(n / 10);
    } else if (n < kPow10[exact - 1] && attempt == 0 && one_rounding) {
      --e;  // Scale's estimate was one high
      continue;
    }
    IntegerDigits(static_cast<uint64_t>(n), exact, digits);
    break;
  }
  std::memset(digits + exact, '0', static_cast<size_t>(count - exact));
  return e;
}

constexpr int kMaxPrecision = 60;  // more than any message asks for
constexpr int kMaxDigits = 400;    // %f of DBL_MAX: 309 integer digits + the precision

// %e / %f / %g of v (finite, >= 0) into buf; returns the length.
size_t FormatFloat(double v, char conv, int prec, bool alt, char* buf) {
  const char lower = static_cast<char>(conv | 0x20);
  if (prec > kMaxPrecision) prec = kMaxPrecision;
  char d[kMaxDigits];
  std::memset(d, '0', sizeof d);
  int exp10 = 0;       // exponent of d[0]
  bool exp_form = lower == 'e';
  int frac = prec;     // digits after the point
  bool strip = false;  // %g drops trailing zeros
  if (lower == 'g') {
    const int p = prec == 0 ? 1 : prec;
    if (v != 0) exp10 = Digits(v, p, d);
    exp_form = !(exp10 < p && exp10 >= -4);
    frac = exp_form ? p - 1 : p - 1 - exp10;
    strip = !alt;
  } else if (exp_form) {
    if (v != 0) exp10 = Digits(v, 1 + frac, d);
  } else if (v < 9007199254740992.0 && frac <= 15) {
    // %f of a value below 2^53: the integer part is exact, the fraction v - floor(v) too,
    // and frac digits of it take one rounded product.
    double whole = frac == 0 ? RoundEven(v) : std::floor(v);  // ties go to the even last digit
    double f = frac == 0 ? 0 : RoundScaled(v - whole, kPow10[frac], false);
    if (f >= kPow10[frac]) {
      whole += 1;
      f -= kPow10[frac];
    }
    char w[20];
    int wn = 0;
    uint64_t u = static_cast<uint64_t>(whole);
    do {
      w[wn++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    exp10 = wn - 1;
    for (int i = 0; i < wn; ++i) d[i] = w[wn - 1 - i];
    IntegerDigits(static_cast<uint64_t>(f), frac, d + wn);
  } else if (v != 0) {
    int e;
    Scale(v, &e);
    const int count = e + 1 + frac;  // digits down to 10^-frac
    if (count <= 0) {
      // Under 10^-frac: prints as 0, or as 10^-frac when it rounds up to it.
      double unit = 0.5;
      for (int i = 0; i < frac; ++i) unit /= 10;
      if (v >= unit) d[0] = '1';
      exp10 = -frac;
    } else {
      exp10 = Digits(v, count, d);  // a carry adds a digit: d[count] is already '0'
    }
  }
  size_t k = 0;
  auto digit = [&](int j) { return j < 0 || j >= kMaxDigits ? '0' : d[j]; };  // d[j]: 10^(exp10 - j)
  if (exp_form) {
    buf[k++] = d[0];
    int last = frac;
    if (strip) while (last > 0 && d[last] == '0') --last;
    if (last > 0 || alt) buf[k++] = '.';
    for (int i = 1; i <= last; ++i) buf[k++] = d[i];
    buf[k++] = conv == 'E' || conv == 'G' ? 'E' : 'e';
    int e = exp10;
    buf[k++] = e < 0 ? '-' : '+';
    if (e < 0) e = -e;
    char t[4];
    int n = 0;
    do {
      t[n++] = static_cast<char>('0' + e % 10);
      e /= 10;
    } while (e);
    if (n < 2) t[n++] = '0';
    while (n) buf[k++] = t[--n];
    return k;
  }
  if (exp10 < 0) buf[k++] = '0';
  for (int j = 0; j <= exp10; ++j) buf[k++] = d[j];
  int last = frac;
  if (strip) while (last > 0 && digit(exp10 + last) == '0') --last;
  if (last > 0 || alt) buf[k++] = '.';
  for (int i = 1; i <= last; ++i) buf[k++] = digit(exp10 + i);
  return k;
}

}  // namespace

extern "C" int vsnprintf(char* s, size_t n, const char* f, va_list ap) {
  Out o{s, n, 0};
  while (*f) {
    if (*f != '%') {
      o.Put(*f++);
      continue;
    }
    ++f;
    bool left = false, zero = false, plus = false, space = false, alt = false;
    for (;; ++f) {
      if (*f == '-') left = true;
      else if (*f == '0') zero = true;
      else if (*f == '+') plus = true;
      else if (*f == ' ') space = true;
      else if (*f == '#') alt = true;
      else break;
    }
    int width = 0;
    if (*f == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = true;
        width = -width;
      }
      ++f;
    } else {
      while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    }
    int prec = -1;
    if (*f == '.') {
      ++f;
      prec = 0;
      if (*f == '*') {
        prec = va_arg(ap, int);
        ++f;
      } else {
        while (*f >= '0' && *f <= '9') prec = prec * 10 + (*f++ - '0');
      }
    }
    int size = 0;  // 0 int, 1 long, 2 long long / intmax / size_t-wide, -1 short, -2 char
    bool long_double = false;
    for (;; ++f) {
      if (*f == 'l') size = size == 1 ? 2 : 1;
      else if (*f == 'h') size = size == -1 ? -2 : -1;
      else if (*f == 'j' || *f == 'z' || *f == 't') size = sizeof(size_t) == 8 ? 2 : 1;
      else if (*f == 'L') long_double = true;
      else break;
    }
    const char conv = *f ? *f++ : '\0';
    char buf[kMaxDigits + 16];
    const char* prefix = "";
    switch (conv) {
      case '%': o.Put('%'); break;
      case 'c': {
        buf[0] = static_cast<char>(va_arg(ap, int));
        Emit(o, "", buf, 1, 0, width, left, false);
        break;
      }
      case 's': {
        const char* str = va_arg(ap, const char*);
        if (!str) str = "(null)";
        size_t len = 0;
        while (str[len] && (prec < 0 || len < static_cast<size_t>(prec))) ++len;
        Emit(o, "", str, len, 0, width, left, false);
        break;
      }
      case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'p': {
        uint64_t u;
        bool negative = false;
        unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
        if (conv == 'p') {
          u = reinterpret_cast<uintptr_t>(va_arg(ap, void*));
          prefix = "0x";
        } else if (conv == 'd' || conv == 'i') {
          int64_t v = size == 2 ? va_arg(ap, long long) : size == 1 ? va_arg(ap, long) : va_arg(ap, int);
          if (size == -1) v = static_cast<short>(v);
          if (size == -2) v = static_cast<signed char>(v);
          negative = v < 0;
          u = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
          prefix = negative ? "-" : plus ? "+" : space ? " " : "";
        } else {
          u = size == 2 ? va_arg(ap, unsigned long long) : size == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
          if (size == -1) u = static_cast<unsigned short>(u);
          if (size == -2) u = static_cast<unsigned char>(u);
          if (alt && u != 0 && base == 16) prefix = conv == 'X' ? "0X" : "0x";
        }
        const char* digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        char* end = buf + sizeof buf;
        char* p = end;
        while (u) {
          *--p = digits[u % base];
          u /= base;
        }
        if (alt && base == 8 && (p == end || *p != '0')) *--p = '0';
        const int len = static_cast<int>(end - p);
        // A precision sets the minimum digits (and turns off the 0 flag); %.0d of 0 is empty.
        int zeros = prec < 0 ? (len == 0 ? 1 : 0) : (prec > len ? prec - len : 0);
        Emit(o, prefix, p, static_cast<size_t>(len), zeros, width, left, zero && prec < 0);
        break;
      }
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
        const double v = long_double ? static_cast<double>(va_arg(ap, long double)) : va_arg(ap, double);
        const bool upper = conv == 'F' || conv == 'E' || conv == 'G';
        const bool negative = std::signbit(v);
        prefix = negative ? "-" : plus ? "+" : space ? " " : "";
        if (v != v || v - v != 0) {  // NaN or infinity: never zero-padded
          const char* text = v != v ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
          Emit(o, prefix, text, 3, 0, width, left, false);
          break;
        }
        const size_t len = FormatFloat(negative ? -v : v, conv, prec < 0 ? 6 : prec, alt, buf);
        Emit(o, prefix, buf, len, 0, width, left, zero);
        break;
      }
      default:  // an unknown conversion is written as it stands
        o.Put('%');
        if (conv) o.Put(conv);
        break;
    }
  }
  if (n > 0) s[o.len < n ? o.len : n - 1] = '\0';
  return static_cast<int>(o.len);
}
