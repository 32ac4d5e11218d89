// The LSTM as small stages over kernel families (internal to the runtime):
//
//   GateMatmul       gates = bias + [x_t, h_{t-1}] * [W; U]   one per weight encoding
//   LstmLayerRunner  owns h and c for a batch of rows; Step() = GateMatmul + cell kernel
//   DenseHead        the Dense layers after the last LSTM, ending in Dense(1)
//
// A new weight encoding (sparse, int8) adds a GateMatmul (or, for a different state
// arithmetic such as the full-integer LSTM, an LstmLayerRunner) and one branch in
// MakeLstmLayerRunner; the Forecaster does not change.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/model.h"
#include "kernels/f32-lstm-cell/f32-lstm-cell.h"

namespace shelfcast {

struct KernelOptions {
  bool use_simd = true;  // false: the scalar reference kernels everywhere
};

class GateMatmul {
 public:
  virtual ~GateMatmul() = default;
  // gates[i][0..4*units) = bias + xh[i][0..inputs+units) * [W; U], for i < m.
  virtual void Run(size_t m, const float* xh, size_t xh_stride, float* gates,
                   size_t gates_stride) = 0;
  // The kernels it runs, for inspect / the platform report.
  virtual std::string Describe() const = 0;
  // Rows the caller should pass per Run so the block's gates stay in L1 while the cell
  // update reads them (the batch kernel's MR); 0: no preference, pass every row at once.
  virtual size_t RowBlock() const { return 0; }
};

class LstmLayerRunner {
 public:
  virtual ~LstmLayerRunner() = default;
  // Grows buffers to hold m rows (allocation happens here, never in Step).
  virtual void Reserve(size_t m) = 0;
  // Zeroes h and c of rows [0, m).
  virtual void Reset(size_t m) = 0;
  // Advances rows [0, m) by one time step with inputs x[i * x_stride + 0..inputs).
  virtual void Step(size_t m, const float* x, size_t x_stride) = 0;
  // Row i's hidden state is h()[i * h_stride() + 0..units).
  virtual const float* h() const = 0;
  virtual size_t h_stride() const = 0;
  // Row i's state as 2*units floats (h then c), for the streaming API.
  virtual void GetState(size_t row, float* out) const = 0;
  virtual void SetState(size_t row, const float* in) = 0;
  virtual std::string Describe() const = 0;
};

// The dense float GateMatmul (f32 / f16 weights): f32-gemm on [W; U] packed once.
Result<std::unique_ptr<GateMatmul>> MakeDenseF32GateMatmul(const Layer& layer,
                                                           const KernelOptions& options);

// Picks the GateMatmul (or whole runner) that matches the layer's weight encodings.
Result<std::unique_ptr<LstmLayerRunner>> MakeLstmLayerRunner(const Layer& layer,
                                                             const KernelOptions& options);

// The float-state LSTM layer over any GateMatmul: gates, then the f32-lstm-cell kernel.
class FloatLstmLayer : public LstmLayerRunner {
 public:
  FloatLstmLayer(uint32_t inputs, uint32_t units, std::unique_ptr<GateMatmul> matmul,
                 const F32LstmCellVariant& cell);
  void Reserve(size_t m) override;
  void Reset(size_t m) override;
  void Step(size_t m, const float* x, size_t x_stride) override;
  const float* h() const override { return xh_.data() + inputs_; }
  size_t h_stride() const override { return inputs_ + units_; }
  void GetState(size_t row, float* out) const override;
  void SetState(size_t row, const float* in) override;
  std::string Describe() const override;

 private:
  uint32_t inputs_, units_;
  std::unique_ptr<GateMatmul> matmul_;
  const F32LstmCellVariant& cell_;
  std::vector<float> xh_;     // [rows][inputs + units]: the step's input, then h
  std::vector<float> gates_;  // [rows][4 * units]
  std::vector<float> c_;      // [rows][units]
  size_t rows_ = 0;
};

// Dense layers after the LSTM, in float (they hold well under 1% of a model's MACs).
class DenseHead {
 public:
  static Result<DenseHead> Make(const Model& model);
  // y for one row from the last LSTM layer's h.
  float Run(const float* h) const;
  size_t input_size() const { return layers_.empty() ? 0 : layers_.front().inputs; }

 private:
  struct DenseLayer {
    uint32_t inputs, units;
    Activation activation;
    std::vector<float> kernel;  // [inputs][units]
    std::vector<float> bias;    // [units]
  };
  std::vector<DenseLayer> layers_;
  size_t max_units_ = 0;
};

}  // namespace shelfcast
