// Tensor encodings: the byte layout of one tensor's data in a model file, per Encoding
// tag (docs/model-format.md lists them). Adding an encoding = one case in each function
// below + a kernel family that runs on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "format/model.h"

namespace shelfcast {

// Decodes `size` bytes into t (whose rows and cols are already set). `raw_tag` is the
// byte as found in the file, for the error message when the tag is unknown. Checks the
// byte count against the shape with overflow-safe arithmetic, and every value (finite
// floats, int8 in [-127, 127], non-negative finite scales, mask padding bits zero).
Status DecodeTensorData(Encoding encoding, uint8_t raw_tag, const uint8_t* data, size_t size,
                        Tensor* t);

// Appends t's data in its encoding. Fails when a value cannot be stored exactly
// (an f16 value or scale that is not representable in binary16).
Status EncodeTensorData(const Tensor& t, std::vector<uint8_t>* out);

// Bytes EncodeTensorData writes for t.
size_t EncodedTensorBytes(const Tensor& t);

// Rounds to the nearest binary16 value and back: use before storing f16 data or scales.
float RoundToHalf(float x);

// Number of set bits among the first n bits of a row-major mask.
size_t MaskPopCount(const std::vector<uint8_t>& mask, size_t n);

}  // namespace shelfcast
