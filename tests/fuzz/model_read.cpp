// Fuzz target model_read: any bytes -> ReadModel, the one parser of model files, twice:
// as they are (the checksum check) and with the CRC repaired (model_input.h; the parser).
//
// Properties beyond "no crash, no undefined behaviour, no leak": a rejected file gets a
// message and is never blamed on shelfcast (kInternal); an accepted model passes
// ValidateModel and every accessor the CLI's inspect and the wasm info() use is safe on it.
#include <cstddef>
#include <cstdint>

#include "format/encoding.h"
#include "format/reader.h"
#include "fuzz_check.h"
#include "model_input.h"

using namespace shelfcast;

namespace {

void Check(const uint8_t* data, size_t size) {
  Result<Model> model = ReadModel(data, size);
  if (!model.ok()) {
    FUZZ_CHECK(!model.status().message().empty(), "an error without a message");
    FUZZ_CHECK(model.status().code() != StatusCode::kInternal, model.status().message());
    return;
  }
  const Model& m = *model;
  const Status valid = ValidateModel(m);
  FUZZ_CHECK(valid.ok(), valid.message());
  size_t stored = 0, bytes = 0;
  for (size_t li = 0; li < m.layers.size(); ++li) {
    for (const Tensor& t : m.layers[li].tensors) {
      FUZZ_CHECK(!TensorName(m, li, t.role).empty(), "unnamed tensor");
      FUZZ_CHECK(t.ToDense().size() == t.size(), TensorName(m, li, t.role));
      FUZZ_CHECK(t.StoredCount() <= t.size(), TensorName(m, li, t.role));
      // Activation scales are metadata, not parameters (Model::parameter_count).
      if (t.role != TensorRole::kActivationScales) stored += t.StoredCount();
      bytes += EncodedTensorBytes(t);
    }
  }
  FUZZ_CHECK(stored <= m.parameter_count(), "more stored values than parameters");
  FUZZ_CHECK(bytes < size, "tensor bytes exceed the file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Check(data, size);
  const std::vector<uint8_t> repaired = fuzzing::WithValidCrc(data, size);
  Check(repaired.data(), repaired.size());
  return 0;
}
