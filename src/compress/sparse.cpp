#include <algorithm>
#include <cmath>
#include <numeric>

#include "compress/compress.h"
#include "format/encoding.h"
#include "format/reader.h"

namespace shelfcast {
namespace {

std::vector<uint8_t> MaskOf(size_t n, const std::vector<bool>& keep) {
  std::vector<uint8_t> mask((n + 7) / 8, 0);
  for (size_t i = 0; i < n; ++i)
    if (keep[i]) mask[i / 8] = static_cast<uint8_t>(mask[i / 8] | (1u << (i % 8)));
  return mask;
}

// The float candidates: dense f32 (or f16 if it already is) and sparse-f32.
void ChooseFloat(Tensor* t) {
  const std::vector<float> v = t->ToDense();
  Tensor sparse;
  sparse.role = t->role;
  sparse.encoding = Encoding::kSparseF32;
  sparse.rows = t->rows;
  sparse.cols = t->cols;
  std::vector<bool> keep(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    keep[i] = v[i] != 0.f;
    if (keep[i]) sparse.sparse_values.push_back(v[i]);
  }
  sparse.mask = MaskOf(v.size(), keep);
  Tensor dense;
  dense.role = t->role;
  dense.encoding = t->encoding == Encoding::kF16 ? Encoding::kF16 : Encoding::kF32;
  dense.rows = t->rows;
  dense.cols = t->cols;
  dense.dense = v;
  *t = EncodedTensorBytes(sparse) < EncodedTensorBytes(dense) ? std::move(sparse) : std::move(dense);
}

void ChooseInt8(Tensor* t) {
  std::vector<int8_t> q(t->size(), 0);
  if (t->encoding == Encoding::kInt8) {
    q = t->q;
  } else {
    size_t v = 0;
    for (size_t i = 0; i < q.size(); ++i)
      if (t->mask[i / 8] & (1u << (i % 8))) q[i] = t->q[v++];
  }
  Tensor sparse = *t;
  sparse.encoding = Encoding::kSparseInt8;
  sparse.q.clear();
  std::vector<bool> keep(q.size());
  for (size_t i = 0; i < q.size(); ++i) {
    keep[i] = q[i] != 0;
    if (keep[i]) sparse.q.push_back(q[i]);
  }
  sparse.mask = MaskOf(q.size(), keep);
  Tensor dense = *t;
  dense.encoding = Encoding::kInt8;
  dense.mask.clear();
  dense.q = q;
  *t = EncodedTensorBytes(sparse) < EncodedTensorBytes(dense) ? std::move(sparse) : std::move(dense);
}

}  // namespace

void SparsifyWhenSmaller(Model* model) {
  for (Layer& layer : model->layers) {
    for (Tensor& t : layer.tensors) {
      if (t.role != TensorRole::kKernel && t.role != TensorRole::kRecurrentKernel) continue;
      if (t.encoding == Encoding::kInt8 || t.encoding == Encoding::kSparseInt8) {
        ChooseInt8(&t);
      } else {
        ChooseFloat(&t);
      }
    }
  }
}

Status PruneByMagnitude(Model* model, double sparsity, uint32_t block) {
  if (!(sparsity >= 0.0 && sparsity <= 1.0))
    return InvalidArgument("sparsity " + std::to_string(sparsity) + " is outside 0..1");
  if (block < 1 || block > 64) return InvalidArgument("block of " + std::to_string(block) + " columns is outside 1..64");
  for (Layer& layer : model->layers) {
    if (layer.kind != LayerKind::kLstm) continue;
    for (Tensor& t : layer.tensors) {
      if (t.role != TensorRole::kKernel && t.role != TensorRole::kRecurrentKernel) continue;
      if (t.encoding != Encoding::kF32 && t.encoding != Encoding::kF16 && t.encoding != Encoding::kSparseF32)
        return Unsupported(std::string("pruning works on float weights, this tensor is ") + EncodingName(t.encoding));
      std::vector<float> w = t.ToDense();
      const size_t blocks_per_row = (t.cols + block - 1) / block;
      const size_t n_blocks = static_cast<size_t>(t.rows) * blocks_per_row;
      std::vector<double> norm(n_blocks, 0.0);
      for (size_t r = 0; r < t.rows; ++r)
        for (size_t c = 0; c < t.cols; ++c) norm[r * blocks_per_row + c / block] += std::fabs(w[r * t.cols + c]);
      std::vector<size_t> order(n_blocks);
      std::iota(order.begin(), order.end(), size_t{0});
      // Ties broken by position so the result does not depend on the sort's stability.
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return norm[a] < norm[b] || (norm[a] == norm[b] && a < b); });
      const size_t prune = static_cast<size_t>(std::llround(sparsity * static_cast<double>(n_blocks)));
      for (size_t i = 0; i < prune; ++i) {
        const size_t r = order[i] / blocks_per_row, c0 = (order[i] % blocks_per_row) * block;
        for (size_t c = c0; c < c0 + block && c < t.cols; ++c) w[r * t.cols + c] = 0.f;
      }
      const Encoding keep = t.encoding == Encoding::kF16 ? Encoding::kF16 : Encoding::kF32;
      t.encoding = keep;
      t.mask.clear();
      t.sparse_values.clear();
      t.dense = std::move(w);
    }
  }
  return ValidateModel(*model);
}

}  // namespace shelfcast
