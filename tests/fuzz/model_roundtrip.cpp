// Fuzz target model_roundtrip: anything ReadModel accepts, WriteModel writes back to the
// identical bytes. The format has exactly one encoding of each model (no padding, no
// optional fields, canonical masks), so a difference means the reader accepted something
// the format does not describe, or the writer drops what the reader keeps. Inputs get a
// valid CRC first (model_input.h).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "format/reader.h"
#include "fuzz_check.h"
#include "model_input.h"

using namespace shelfcast;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  const std::vector<uint8_t> bytes = fuzzing::WithValidCrc(input, size);
  const uint8_t* data = bytes.data();
  Result<Model> model = ReadModel(data, size);
  if (!model.ok()) return 0;
  Result<std::vector<uint8_t>> written = WriteModel(*model);
  FUZZ_CHECK(written.ok(), "WriteModel refused a model ReadModel accepted: " + written.status().message());
  const std::vector<uint8_t>& out = *written;
  FUZZ_CHECK(out.size() == size, "read " + std::to_string(size) + " bytes, wrote " + std::to_string(out.size()));
  size_t first_difference = 0;
  while (first_difference < size && out[first_difference] == data[first_difference]) ++first_difference;
  FUZZ_CHECK(first_difference == size, "first differing byte at offset " + std::to_string(first_difference));
  return 0;
}
