// The trainable network: forward pass and backpropagation through time (BPTT) for the
// models of format/model.h (LSTM layers, then a Dense head ending in Dense(1)), on a
// flat parameter vector.
//
// Parameter vector: the model's tensors in file order (layer by layer; LSTM kernel W
// [F x 4H], recurrent kernel U [H x 4H], bias b [4H]; Dense kernel K [in x out], bias
// [out]), each row-major as in the file, so ToModel() is a copy and a gradient has the
// same layout. Row-major [W; U] read column-major is [W^T | U^T] (4H x (F+H)): the
// network multiplies by it without repacking.
//
// Batch layout: inputs are x[t][b][f] (step-major, then example, then feature), the
// examples of a batch being the columns of every per-step matrix.
//
// Scalar is float for training and double for the gradient check (tests).
//
// Reproducibility: parameters, inputs and gradients are copied into buffers the network
// allocates (aligned to Eigen's maximum), so every vectorised loop and product sees the
// same alignment run to run; with caller buffers, AVX loops peel a heap-address-dependent
// number of leading elements and reductions change their summation order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "format/model.h"

namespace shelfcast::train {

// Offsets of every tensor of a model in the flat parameter vector.
struct ParameterLayout {
  struct Entry {
    size_t layer;      // index in Model::layers
    TensorRole role;
    size_t offset;     // first parameter
    size_t count;      // rows * cols
    uint32_t rows, cols;
  };
  std::vector<Entry> entries;  // file order
  size_t total = 0;

  static ParameterLayout Of(const Model& model);
  const Entry* Find(size_t layer, TensorRole role) const;
};

// The model's weights as one vector (dense; sparse or int8 tensors are decoded).
std::vector<float> FlattenParameters(const Model& model);
// Writes params into the model's tensors as dense float32 (the trainer's output).
void StoreParameters(const std::vector<float>& params, Model* model);

// Throws std::invalid_argument when the trainer cannot train this architecture (an LSTM
// gate activation other than sigmoid, a Dense activation other than linear/relu/tanh,
// a Dense after nothing, ...).
void CheckTrainable(const Model& model);

template <typename Scalar>
class Network {
 public:
  // The architecture is read from `model` (its weights are not used).
  explicit Network(const Model& model);
  ~Network();
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;

  size_t parameter_count() const;
  uint32_t input_features() const;
  uint32_t steps() const;

  // y[b] = the model's normalised output for example b < n, from x[t][b][f]. Keeps what
  // Backward needs (a copy of params and x, the activations of every step) until the
  // next Forward.
  void Forward(const Scalar* params, size_t n, const Scalar* x, Scalar* y);

  // Adds dLoss/dparams (at the last Forward's params) to grad, given dy[b] = dLoss/dy[b]
  // for the last Forward's batch.
  void Backward(const Scalar* dy, Scalar* grad);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace shelfcast::train
