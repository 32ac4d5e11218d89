// fuzz_make_seeds OUTDIR: writes every case of model_cases.h (valid files of every
// encoding and the hand-made malformed ones) into OUTDIR as NAME.shcf, the seed corpus
// of the model fuzz targets. Run by the build (tests/fuzz/CMakeLists.txt), next to the
// `shelfcast init` files of several sizes.
#include <cstdio>
#include <string>

#include "model_cases.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  size_t written = 0;
  for (const shelfcast::fuzzing::ModelCase& c : shelfcast::fuzzing::ModelCases()) {
    const std::string path = std::string(argv[1]) + "/" + c.name + ".shcf";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(c.bytes.data(), 1, c.bytes.size(), f) != c.bytes.size() ||
        std::fclose(f) != 0) {
      std::fprintf(stderr, "fuzz_make_seeds: cannot write %s\n", path.c_str());
      return 1;
    }
    ++written;
  }
  std::printf("fuzz_make_seeds: %zu model files in %s\n", written, argv[1]);
  return 0;
}
