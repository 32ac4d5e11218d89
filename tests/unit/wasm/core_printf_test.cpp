// src/wasm/core_printf.cpp replaces musl's vsnprintf in shelfcast-core.wasm; natively it is
// built as shelfcast_core_vsnprintf and must print what the C library prints: exactly for
// integers, text and the flags, and for floating point wherever the digits are within a
// double's 17 (the file's header says where it differs: %f of values from 2^53 up, where
// it prints zeros for the digits beyond the 17th, and near-ties where the scaling by 10^k
// takes two roundings: |k| > 22, e.g. 15 digits of a value under 1e-8).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

extern "C" int shelfcast_core_vsnprintf(char* s, size_t n, const char* format, va_list ap);

namespace {

int Core(char* s, size_t n, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  const int r = shelfcast_core_vsnprintf(s, n, format, ap);
  va_end(ap);
  return r;
}

#define SAME(...)                                                   \
  do {                                                              \
    char ours[512], libc[512];                                      \
    const int n1 = Core(ours, sizeof ours, __VA_ARGS__);           \
    const int n2 = std::snprintf(libc, sizeof libc, __VA_ARGS__);   \
    INFO("ours '" << ours << "', the C library's '" << libc << "'"); \
    REQUIRE(n1 == n2);                                              \
    REQUIRE(std::string(ours) == libc);                             \
  } while (0)

}  // namespace

TEST_CASE("core vsnprintf: integers, text and flags as the C library prints them", "[wasm][core_printf]") {
  SAME("%d %u %zu %llx %016llx %08X %02X %02u %04d", -12, 7u, size_t{123456}, 0xabcdefULL, 0x1234ULL, 0xDEADBEEFu, 7u, 3u, 2017);
  SAME("%s|%5s|%-5s|%.2s|%c|%%", "abc", "ab", "ab", "xyz", 'z');
  SAME("%d %i %ld %lld %hd %hhd", 0, -2147483647 - 1, -5L, -9223372036854775807LL - 1, short{-3}, static_cast<signed char>(-7));
  SAME("%5d|%-5d|%05d|%+d|% d|%.3d|%.0d|%x|%#x|%#o|%o|%*d|%-*d|%.*s", 42, 42, -42, 5, 5, 7, 0, 0, 255, 8, 0, 6, 1, 6, 1, 2, "abcdef");
  SAME("%f %g %e %F %G|%6f|%-6g|", NAN, INFINITY, -INFINITY, NAN, -INFINITY, INFINITY, NAN);
  SAME("%f %g %e %.0f %#.0f %#g", 0.0, -0.0, 0.0, 0.5, 1.5, 2.0);
  SAME("%f %g %e", 1e-320, 5e-324, 1.7976931348623157e308);
}

TEST_CASE("core vsnprintf: truncates like snprintf and returns the full length", "[wasm][core_printf]") {
  char small[5];
  REQUIRE(Core(small, sizeof small, "%s-%d", "abcdefgh", 12) == 11);
  REQUIRE(std::string(small) == "abcd");
  REQUIRE(Core(nullptr, 0, "%g", 0.1) == 3);
}

TEST_CASE("core vsnprintf: floating point as the C library prints it, 300,000 random values", "[wasm][core_printf]") {
  static const char* const kFormats[] = {"%g", "%f", "%e", "%.3g", "%.10g", "%.2f", "%.0f", "%.1e", "%G",
                                         "%E", "%12.4f", "%-12g|", "%+g", "%.0e", "%#.0f", "%010.3f", "%.15g"};
  std::mt19937_64 rng(42);
  int checked = 0;
  for (int i = 0; i < 300000; ++i) {
    double v;
    switch (i % 5) {
      case 0: v = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 200) - 150); break;
      case 1: v = static_cast<float>(static_cast<int>(rng() % 2000000) - 1000000) / 1000.0f; break;  // messages print floats
      case 2: v = static_cast<float>(std::ldexp(static_cast<double>(rng() >> 40), static_cast<int>(rng() % 80) - 60)); break;
      case 3: v = static_cast<double>(static_cast<int64_t>(rng() % 100000) - 50000) / 8; break;  // exact ties
      default: {
        const uint64_t bits = rng();
        std::memcpy(&v, &bits, sizeof v);  // any double, NaN and infinities included
      }
    }
    for (const char* format : kFormats) {
      // The documented differences: %f past 2^53 (zeros after the 17th digit), and 15 digits of
      // values under 1e-8, whose scaling takes two roundings (a near-tie can move the last digit).
      if (std::fabs(v) >= 9007199254740992.0 && std::strchr(format, 'f')) continue;
      if (std::strcmp(format, "%.15g") == 0 && v != 0 && (std::fabs(v) < 1e-8 || std::fabs(v) >= 1e36)) continue;
      char ours[512], libc[512];
      Core(ours, sizeof ours, format, v);
      std::snprintf(libc, sizeof libc, format, v);
      if (std::strcmp(ours, libc) != 0) {
        INFO(format << " of " << v << ": ours '" << ours << "', the C library's '" << libc << "'");
        REQUIRE(std::string(ours) == libc);
      }
      ++checked;
    }
  }
  REQUIRE(checked > 4000000);
}
