// The `shelfcast` command on hostile input: NaN/Inf in --values, oversized and corrupt
// model files, and a model too large to write all stop with exit code 1 and the runtime's
// message (the input rule and the caps hold in the CLI as in the library and the JS API).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli_run.h"
#include "core/limits.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f.good());
}

}  // namespace

TEST_CASE("the CLI refuses NaN and Inf sales with the series and position", "[cli][nan]") {
  const std::string dir = TempDir("cli");
  const std::string model = dir + "/m.shcf";
  WriteFile(model, Bytes(RandomModel(4, 3, 1)));
  for (const char* bad : {"nan", "-nan", "inf", "-inf", "1e39"}) {
    INFO(bad);
    const Run r = Shelfcast("forecast " + model + " --values 1," + bad + ",3");
    CHECK(r.exit_code == 1);
    CHECK(r.output == "shelfcast: error: series 0, window position 1: value is not a finite number\n");
  }
  CHECK(Shelfcast("forecast " + model + " --values 1,2,3").exit_code == 0);
}

TEST_CASE("the CLI refuses model files over the cap and corrupt ones", "[cli][limits]") {
  const std::string dir = TempDir("cli");
  std::vector<uint8_t> big = Bytes(RandomModel(4, 3, 1));
  big.resize(limits::kMaxModelBytes + 1);
  WriteFile(dir + "/big.shcf", big);
  Run r = Shelfcast("inspect " + dir + "/big.shcf");
  CHECK(r.exit_code == 1);
  CHECK(r.output == "shelfcast: error: " + dir + "/big.shcf: file is larger than the cap of 4194304 bytes\n");

  std::vector<uint8_t> corrupt = Bytes(RandomModel(4, 3, 1));
  corrupt[12] ^= 0xFF;  // the stored CRC
  WriteFile(dir + "/corrupt.shcf", corrupt);
  r = Shelfcast("forecast " + dir + "/corrupt.shcf --values 1,2,3");
  CHECK(r.exit_code == 1);
  CHECK(r.output.rfind("shelfcast: error: " + dir + "/corrupt.shcf: checksum mismatch: payload CRC32 is 0x", 0) == 0);
}

TEST_CASE("the CLI does not write a model file the reader would refuse", "[cli][limits]") {
  const std::string dir = TempDir("cli");
  const Run r = Shelfcast("init --hidden 512 --out " + dir + "/m512.shcf");
  CHECK(r.exit_code == 1);
  CHECK(r.output ==
        "shelfcast: error: model file would be 4212838 bytes, over the cap of 4194304 (store the weights as f16, "
        "int8 or sparse)\n");
  CHECK(access((dir + "/m512.shcf").c_str(), F_OK) != 0);
}
