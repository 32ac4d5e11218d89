#include "format/encoding.h"

#include <cmath>
#include <cstring>
#include <string>

#include "core/checked.h"
#include "format/half.h"

namespace shelfcast {
namespace {

float LoadF32(const uint8_t* p) {
  const uint32_t bits = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                        (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

void PutF32(float f, std::vector<uint8_t>* out) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void PutU16(uint16_t v, std::vector<uint8_t>* out) {
  out->push_back(static_cast<uint8_t>(v));
  out->push_back(static_cast<uint8_t>(v >> 8));
}

Status ExpectBytes(size_t expected, size_t size, const char* encoding) {
  if (expected != size)
    return InvalidData(std::string(encoding) + " data is " + std::to_string(size) +
                       " bytes, the shape needs " + std::to_string(expected));
  return Status::Ok();
}

Status NonFinite(const char* what, size_t index) {
  return InvalidData(std::string(what) + " " + std::to_string(index) + " is not a finite number");
}

// Reads `count` binary16 scales (finite, >= 0).
Status ReadScales(const uint8_t* p, size_t count, std::vector<float>* scales) {
  scales->resize(count);
  for (size_t c = 0; c < count; ++c) {
    const float s = HalfToFloat(LoadU16(p + 2 * c));
    if (!std::isfinite(s) || s < 0.f)
      return InvalidData("scale of column " + std::to_string(c) + " is " + std::to_string(s) +
                         " (scales must be finite and >= 0)");
    (*scales)[c] = s;
  }
  return Status::Ok();
}

Status CheckInt8(const int8_t* q, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (q[i] == -128) return InvalidData("int8 value " + std::to_string(i) + " is -128 (symmetric range is [-127, 127])");
  return Status::Ok();
}

// Reads a mask of n bits; padding bits past n must be zero. Returns the popcount.
Status ReadMask(const uint8_t* p, size_t n, std::vector<uint8_t>* mask, size_t* nnz) {
  const size_t mask_bytes = (n + 7) / 8;
  mask->assign(p, p + mask_bytes);
  if (n % 8 != 0 && (p[mask_bytes - 1] >> (n % 8)) != 0)
    return InvalidData("sparsity mask has bits set past the tensor's " + std::to_string(n) + " entries");
  *nnz = MaskPopCount(*mask, n);
  return Status::Ok();
}

bool HalfExact(float x) { return RoundToHalf(x) == x || std::isnan(x); }

}  // namespace

float RoundToHalf(float x) { return HalfToFloat(FloatToHalf(x)); }

size_t MaskPopCount(const std::vector<uint8_t>& mask, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n && i / 8 < mask.size(); ++i) count += (mask[i / 8] >> (i % 8)) & 1u;
  return count;
}

Status DecodeTensorData(Encoding encoding, uint8_t raw_tag, const uint8_t* data, size_t size,
                        Tensor* t) {
  t->encoding = encoding;
  const size_t n = t->size();
  size_t need = 0;
  switch (encoding) {
    case Encoding::kF32: {
      if (!CheckedMul<size_t>(n, 4, &need)) return InvalidData("f32 tensor size overflows");
      SHELFCAST_RETURN_IF_ERROR(ExpectBytes(need, size, "f32"));
      t->dense.resize(n);
      for (size_t i = 0; i < n; ++i) {
        t->dense[i] = LoadF32(data + 4 * i);
        if (!std::isfinite(t->dense[i])) return NonFinite("value", i);
      }
      return Status::Ok();
    }
    case Encoding::kF16: {
      if (!CheckedMul<size_t>(n, 2, &need)) return InvalidData("f16 tensor size overflows");
      SHELFCAST_RETURN_IF_ERROR(ExpectBytes(need, size, "f16"));
      t->dense.resize(n);
      for (size_t i = 0; i < n; ++i) {
        t->dense[i] = HalfToFloat(LoadU16(data + 2 * i));
        if (!std::isfinite(t->dense[i])) return NonFinite("value", i);
      }
      return Status::Ok();
    }
    case Encoding::kSparseF32: {
      const size_t mask_bytes = (n + 7) / 8;
      if (size < mask_bytes) return ExpectBytes(mask_bytes, size, "sparse-f32 mask");
      size_t nnz;
      SHELFCAST_RETURN_IF_ERROR(ReadMask(data, n, &t->mask, &nnz));
      SHELFCAST_RETURN_IF_ERROR(ExpectBytes(mask_bytes + 4 * nnz, size, "sparse-f32"));
      t->sparse_values.resize(nnz);
      for (size_t i = 0; i < nnz; ++i) {
        t->sparse_values[i] = LoadF32(data + mask_bytes + 4 * i);
        if (!std::isfinite(t->sparse_values[i])) return NonFinite("stored value", i);
      }
      return Status::Ok();
    }
    case Encoding::kInt8: {
      const size_t scale_bytes = 2 * static_cast<size_t>(t->cols);
      if (!CheckedAdd(scale_bytes, n, &need)) return InvalidData("int8 tensor size overflows");
      SHELFCAST_RETURN_IF_ERROR(ExpectBytes(need, size, "int8"));
      SHELFCAST_RETURN_IF_ERROR(ReadScales(data, t->cols, &t->scales));
      t->q.resize(n);
      if (n) std::memcpy(t->q.data(), data + scale_bytes, n);
      return CheckInt8(t->q.data(), n);
    }
    case Encoding::kSparseInt8: {
      const size_t scale_bytes = 2 * static_cast<size_t>(t->cols);
      const size_t mask_bytes = (n + 7) / 8;
      if (size < scale_bytes + mask_bytes)
        return ExpectBytes(scale_bytes + mask_bytes, size, "sparse-int8 scales + mask");
      SHELFCAST_RETURN_IF_ERROR(ReadScales(data, t->cols, &t->scales));
      size_t nnz;
      SHELFCAST_RETURN_IF_ERROR(ReadMask(data + scale_bytes, n, &t->mask, &nnz));
      SHELFCAST_RETURN_IF_ERROR(ExpectBytes(scale_bytes + mask_bytes + nnz, size, "sparse-int8"));
      t->q.resize(nnz);
      if (nnz) std::memcpy(t->q.data(), data + scale_bytes + mask_bytes, nnz);
      return CheckInt8(t->q.data(), nnz);
    }
  }
  return Unsupported("unknown tensor encoding " + std::to_string(raw_tag));
}

size_t EncodedTensorBytes(const Tensor& t) {
  const size_t n = t.size();
  switch (t.encoding) {
    case Encoding::kF32: return 4 * n;
    case Encoding::kF16: return 2 * n;
    case Encoding::kSparseF32: return (n + 7) / 8 + 4 * t.sparse_values.size();
    case Encoding::kInt8: return 2 * static_cast<size_t>(t.cols) + n;
    case Encoding::kSparseInt8: return 2 * static_cast<size_t>(t.cols) + (n + 7) / 8 + t.q.size();
  }
  return 0;
}

Status EncodeTensorData(const Tensor& t, std::vector<uint8_t>* out) {
  const size_t n = t.size();
  auto put_scales = [&]() -> Status {
    if (t.scales.size() != t.cols) return InvalidArgument("int8 tensor needs one scale per column");
    for (float s : t.scales) {
      if (!HalfExact(s)) return InvalidArgument("scale " + std::to_string(s) + " is not a binary16 value (use RoundToHalf)");
      PutU16(FloatToHalf(s), out);
    }
    return Status::Ok();
  };
  auto put_mask = [&]() -> Status {
    if (t.mask.size() != (n + 7) / 8) return InvalidArgument("sparse tensor mask has the wrong size");
    out->insert(out->end(), t.mask.begin(), t.mask.end());
    return Status::Ok();
  };
  switch (t.encoding) {
    case Encoding::kF32:
      if (t.dense.size() != n) return InvalidArgument("f32 tensor holds the wrong number of values");
      for (float v : t.dense) PutF32(v, out);
      return Status::Ok();
    case Encoding::kF16:
      if (t.dense.size() != n) return InvalidArgument("f16 tensor holds the wrong number of values");
      for (float v : t.dense) {
        if (!HalfExact(v)) return InvalidArgument("value " + std::to_string(v) + " is not a binary16 value (use RoundToHalf)");
        PutU16(FloatToHalf(v), out);
      }
      return Status::Ok();
    case Encoding::kSparseF32:
      SHELFCAST_RETURN_IF_ERROR(put_mask());
      if (MaskPopCount(t.mask, n) != t.sparse_values.size())
        return InvalidArgument("sparse-f32 tensor: mask and value count disagree");
      for (float v : t.sparse_values) PutF32(v, out);
      return Status::Ok();
    case Encoding::kInt8:
      if (t.q.size() != n) return InvalidArgument("int8 tensor holds the wrong number of values");
      SHELFCAST_RETURN_IF_ERROR(put_scales());
      out->insert(out->end(), reinterpret_cast<const uint8_t*>(t.q.data()),
                  reinterpret_cast<const uint8_t*>(t.q.data()) + n);
      return Status::Ok();
    case Encoding::kSparseInt8:
      SHELFCAST_RETURN_IF_ERROR(put_scales());
      SHELFCAST_RETURN_IF_ERROR(put_mask());
      if (MaskPopCount(t.mask, n) != t.q.size())
        return InvalidArgument("sparse-int8 tensor: mask and value count disagree");
      out->insert(out->end(), reinterpret_cast<const uint8_t*>(t.q.data()),
                  reinterpret_cast<const uint8_t*>(t.q.data()) + t.q.size());
      return Status::Ok();
  }
  return InvalidArgument("unknown encoding");
}

}  // namespace shelfcast
