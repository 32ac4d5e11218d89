// Fuzz target onnx_import: any bytes -> the ONNX importer (src/interop/onnx): the
// protobuf wire reader, ParseModelProto and ImportOnnxModel.
//
// Properties beyond "no crash, no undefined behaviour, no leak":
//   - a refusal carries a message and is never kInternal;
//   - what ParseModelProto accepts serialises to bytes that parse again and serialise to
//     the same bytes (the parser keeps everything the writer writes, nothing else);
//   - a model ImportOnnx accepts passes ValidateModel, and WriteModel either writes it to
//     a file ReadModel accepts or refuses it at a cap (kLimitExceeded), with a message.
// The window option comes from the input's last byte (0: the graph's own time axis), so
// graphs with a symbolic time axis get imported too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/reader.h"
#include "fuzz_check.h"
#include "interop/onnx/onnx.h"
#include "interop/onnx/onnx_proto.h"

using namespace shelfcast;

namespace {

void CheckRefusal(const Status& status) {
  FUZZ_CHECK(!status.message().empty(), "an error without a message");
  FUZZ_CHECK(status.code() != StatusCode::kInternal, status.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<onnx::ModelProto> proto = onnx::ParseModelProto(data, size);
  if (!proto.ok()) {
    CheckRefusal(proto.status());
    return 0;
  }
  const std::vector<uint8_t> once = onnx::SerializeModelProto(*proto);
  Result<onnx::ModelProto> again = onnx::ParseModelProto(once.data(), once.size());
  FUZZ_CHECK(again.ok(), "a serialised model does not parse: " + again.status().message());
  FUZZ_CHECK(onnx::SerializeModelProto(*again) == once, "serialise -> parse -> serialise changed the bytes");

  onnx::ImportOptions options;
  options.window = size ? data[size - 1] % 40 : 0;
  Result<Model> model = onnx::ImportOnnxModel(*proto, options);
  if (!model.ok()) {
    CheckRefusal(model.status());
    return 0;
  }
  const Status valid = ValidateModel(*model);
  FUZZ_CHECK(valid.ok(), "an imported model fails ValidateModel: " + valid.message());
  Result<std::vector<uint8_t>> file = WriteModel(*model);
  if (!file.ok()) {
    FUZZ_CHECK(file.status().code() == StatusCode::kLimitExceeded, file.status().message());
    return 0;
  }
  Result<Model> back = ReadModel(file->data(), file->size());
  FUZZ_CHECK(back.ok(), "ReadModel refuses what WriteModel wrote: " + back.status().message());
  return 0;
}
