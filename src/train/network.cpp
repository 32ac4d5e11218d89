#include "train/network.h"

#include <stdexcept>
#include <string>

#include <Eigen/Core>

namespace shelfcast::train {

ParameterLayout ParameterLayout::Of(const Model& model) {
  ParameterLayout layout;
  for (size_t l = 0; l < model.layers.size(); ++l) {
    for (const Tensor& t : model.layers[l].tensors) {
      layout.entries.push_back({l, t.role, layout.total, t.size(), t.rows, t.cols});
      layout.total += t.size();
    }
  }
  return layout;
}

const ParameterLayout::Entry* ParameterLayout::Find(size_t layer, TensorRole role) const {
  for (const Entry& e : entries)
    if (e.layer == layer && e.role == role) return &e;
  return nullptr;
}

std::vector<float> FlattenParameters(const Model& model) {
  std::vector<float> params;
  for (const Layer& layer : model.layers)
    for (const Tensor& t : layer.tensors) {
      const std::vector<float> v = t.ToDense();
      params.insert(params.end(), v.begin(), v.end());
    }
  return params;
}

void StoreParameters(const std::vector<float>& params, Model* model) {
  size_t at = 0;
  for (Layer& layer : model->layers)
    for (Tensor& t : layer.tensors) {
      t.encoding = Encoding::kF32;
      t.dense.assign(params.begin() + static_cast<std::ptrdiff_t>(at),
                     params.begin() + static_cast<std::ptrdiff_t>(at + t.size()));
      t.mask.clear();
      t.sparse_values.clear();
      t.q.clear();
      t.scales.clear();
      at += t.size();
    }
  if (at != params.size()) throw std::invalid_argument("parameter vector does not match the model's tensors");
}

void CheckTrainable(const Model& model) {
  bool seen_dense = false;
  size_t lstm_count = 0;
  uint32_t width = model.input_features();
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const Layer& layer = model.layers[l];
    const std::string name = std::string(LayerKindName(layer.kind)) + std::to_string(l);
    if (layer.inputs != width)
      throw std::invalid_argument(name + " has " + std::to_string(layer.inputs) + " inputs, the layer before gives " +
                                  std::to_string(width));
    if (layer.kind == LayerKind::kLstm) {
      if (seen_dense) throw std::invalid_argument(name + ": an LSTM layer after a Dense layer is not trainable");
      if (layer.recurrent_activation != Activation::kSigmoid)
        throw std::invalid_argument(name + ": the trainer supports the sigmoid recurrent activation only, not " +
                                    ActivationName(layer.recurrent_activation));
      ++lstm_count;
    } else {
      if (layer.activation != Activation::kLinear && layer.activation != Activation::kRelu &&
          layer.activation != Activation::kTanh)
        throw std::invalid_argument(name + ": the trainer supports linear, relu and tanh Dense layers, not " +
                                    ActivationName(layer.activation));
      seen_dense = true;
    }
    width = layer.units;
  }
  if (lstm_count == 0) throw std::invalid_argument("the model has no LSTM layer");
  if (!seen_dense || width != 1) throw std::invalid_argument("the model must end in Dense(1)");
}

// Column-major matrices, examples as columns: a per-step block of n examples is
// middleCols(t * n, n).
template <typename Scalar>
struct Network<Scalar>::Impl {
  using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using ConstMap = Eigen::Map<const Mat>;
  using MutMap = Eigen::Map<Mat>;

  struct Lstm {
    uint32_t inputs, units;
    size_t w_off, u_off, b_off;
    // Over all steps, block t = columns [t n, (t+1) n):
    Mat act;  // 4H x Tn: gate pre-activations z, then in place i, f, g (= c~), o
    Mat c;    // H x Tn: cell state c_t
    Mat tc;   // H x Tn: tanh(c_t)
    Mat h;    // H x Tn: h_t
    Mat dz;   // 4H x Tn: dL/dz_t
    Mat dx;   // F x Tn: dL/dx_t (only when a layer is below)
    Mat dh_ext;
  };
  struct Dense {
    uint32_t inputs, units;
    Activation activation;
    size_t k_off, b_off;
    Mat in;   // inputs x n
    Mat out;  // units x n, after the activation
  };

  std::vector<Lstm> lstm;
  std::vector<Dense> dense;
  uint32_t features = 0, steps = 0;
  size_t total = 0, n = 0;
  Vec params_copy;  // the last Forward's parameters
  Vec grad_sum;  // Backward's gradient before it is added to the caller's
  Mat x;  // the last Forward's input, F x Tn

  // The layer's input sequence, F x Tn.
  ConstMap Input(size_t l) const {
    if (l == 0) return ConstMap(x.data(), features, static_cast<Eigen::Index>(steps * n));
    const Lstm& below = lstm[l - 1];
    return ConstMap(below.h.data(), below.units, static_cast<Eigen::Index>(steps * n));
  }

  // Forward of one LSTM layer over all steps (Keras semantics, format/model.h):
  //   z_t = W^T x_t + U^T h_{t-1} + b        (4H; h_{-1} = c_{-1} = 0)
  //   i = sigm(z_i), f = sigm(z_f), g = tanh(z_g), o = sigm(z_o)
  //   c_t = f c_{t-1} + i g,  h_t = o tanh(c_t)
  // W^T x_t for every step is one GEMM (4H x F times F x Tn) before the recurrence.
  void ForwardLstm(size_t l, const Scalar* params) {
    Lstm& L = lstm[l];
    const Eigen::Index H = L.units, N = static_cast<Eigen::Index>(n), TN = static_cast<Eigen::Index>(steps * n);
    ConstMap Wt(params + L.w_off, 4 * H, L.inputs);
    ConstMap Ut(params + L.u_off, 4 * H, H);
    Eigen::Map<const Vec> b(params + L.b_off, 4 * H);
    L.act.resize(4 * H, TN);
    L.c.resize(H, TN);
    L.tc.resize(H, TN);
    L.h.resize(H, TN);
    L.act.noalias() = Wt * Input(l);
    L.act.colwise() += b;
    for (uint32_t t = 0; t < steps; ++t) {
      auto z = L.act.middleCols(t * N, N);
      if (t > 0) z.noalias() += Ut * L.h.middleCols((t - 1) * N, N);
      z.topRows(2 * H) = z.topRows(2 * H).array().logistic().matrix();
      z.middleRows(2 * H, H) = z.middleRows(2 * H, H).array().tanh().matrix();
      z.bottomRows(H) = z.bottomRows(H).array().logistic().matrix();
      auto c = L.c.middleCols(t * N, N);
      if (t > 0) {
        c.array() = z.middleRows(H, H).array() * L.c.middleCols((t - 1) * N, N).array() +
                    z.topRows(H).array() * z.middleRows(2 * H, H).array();
      } else {
        c.array() = z.topRows(H).array() * z.middleRows(2 * H, H).array();
      }
      L.tc.middleCols(t * N, N).array() = c.array().tanh();
      L.h.middleCols(t * N, N).array() = z.bottomRows(H).array() * L.tc.middleCols(t * N, N).array();
    }
  }

  // BPTT of one LSTM layer, t = T-1 .. 0, with dh_t = dL/dh_t from above (dh_ext) plus
  // the recurrence (dh_rec = U dz_{t+1}), dc_next = dL/dc_t through c_{t+1}:
  //   dc   = dc_next + dh o (1 - tanh^2 c_t)
  //   dz_o = dh tanh(c_t) o (1 - o)
  //   dz_i = dc g i (1 - i)
  //   dz_g = dc i (1 - g^2)
  //   dz_f = dc c_{t-1} f (1 - f)
  //   dc_next <- dc f,  dh_rec <- U dz  (U = [H x 4H], i.e. Ut^T)
  // then, over all steps at once: dW += x dz^T, dU += h_{t-1} dz_t^T, db += sum dz,
  // and dx = W dz for the layer below.
  void BackwardLstm(size_t l, const Scalar* params, Scalar* grad, const Mat& dh_ext, bool last_step_only) {
    Lstm& L = lstm[l];
    const Eigen::Index H = L.units, N = static_cast<Eigen::Index>(n), TN = static_cast<Eigen::Index>(steps * n);
    ConstMap Wt(params + L.w_off, 4 * H, L.inputs);
    ConstMap Ut(params + L.u_off, 4 * H, H);
    L.dz.resize(4 * H, TN);
    Mat dh(H, N), dc(H, N);
    dh.setZero();
    dc.setZero();
    for (int64_t t = static_cast<int64_t>(steps) - 1; t >= 0; --t) {
      const Eigen::Index col = static_cast<Eigen::Index>(t) * N;
      if (!last_step_only) {
        dh += dh_ext.middleCols(col, N);
      } else if (t + 1 == static_cast<int64_t>(steps)) {
        dh += dh_ext;
      }
      const auto a = L.act.middleCols(col, N).array();
      const auto i = a.topRows(H), f = a.middleRows(H, H), g = a.middleRows(2 * H, H), o = a.bottomRows(H);
      const auto tc = L.tc.middleCols(col, N).array();
      auto dz = L.dz.middleCols(col, N);
      dc.array() += dh.array() * o * (Scalar(1) - tc * tc);
      dz.bottomRows(H).array() = dh.array() * tc * o * (Scalar(1) - o);
      dz.topRows(H).array() = dc.array() * g * i * (Scalar(1) - i);
      dz.middleRows(2 * H, H).array() = dc.array() * i * (Scalar(1) - g * g);
      if (t > 0) {
        dz.middleRows(H, H).array() = dc.array() * L.c.middleCols(col - N, N).array() * f * (Scalar(1) - f);
      } else {
        dz.middleRows(H, H).setZero();
      }
      dc.array() *= f;
      dh.noalias() = Ut.transpose() * dz;
    }
    MutMap gWt(grad + L.w_off, 4 * H, L.inputs);
    MutMap gUt(grad + L.u_off, 4 * H, H);
    Eigen::Map<Vec> gb(grad + L.b_off, 4 * H);
    gWt.noalias() += L.dz * Input(l).transpose();
    if (steps > 1)
      gUt.noalias() += L.dz.rightCols(TN - N) * L.h.leftCols(TN - N).transpose();
    gb += L.dz.rowwise().sum();
    if (l > 0) {
      L.dx.resize(L.inputs, TN);
      L.dx.noalias() = Wt.transpose() * L.dz;
    }
  }

  static void Activate(Activation a, Mat* m) {
    switch (a) {
      case Activation::kRelu: *m = m->cwiseMax(Scalar(0)); break;
      case Activation::kTanh: *m = m->array().tanh().matrix(); break;
      default: break;
    }
  }
};

template <typename Scalar>
Network<Scalar>::Network(const Model& model) : impl_(new Impl) {
  CheckTrainable(model);
  const ParameterLayout layout = ParameterLayout::Of(model);
  impl_->features = model.input_features();
  impl_->steps = model.window;
  impl_->total = layout.total;
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const Layer& layer = model.layers[l];
    if (layer.kind == LayerKind::kLstm) {
      typename Impl::Lstm L;
      L.inputs = layer.inputs;
      L.units = layer.units;
      L.w_off = layout.Find(l, TensorRole::kKernel)->offset;
      L.u_off = layout.Find(l, TensorRole::kRecurrentKernel)->offset;
      L.b_off = layout.Find(l, TensorRole::kBias)->offset;
      impl_->lstm.push_back(std::move(L));
    } else {
      typename Impl::Dense D;
      D.inputs = layer.inputs;
      D.units = layer.units;
      D.activation = layer.activation;
      D.k_off = layout.Find(l, TensorRole::kKernel)->offset;
      D.b_off = layout.Find(l, TensorRole::kBias)->offset;
      impl_->dense.push_back(std::move(D));
    }
  }
}

template <typename Scalar>
Network<Scalar>::~Network() = default;
template <typename Scalar>
Network<Scalar>::Network(Network&&) noexcept = default;
template <typename Scalar>
Network<Scalar>& Network<Scalar>::operator=(Network&&) noexcept = default;

template <typename Scalar>
size_t Network<Scalar>::parameter_count() const {
  return impl_->total;
}
template <typename Scalar>
uint32_t Network<Scalar>::input_features() const {
  return impl_->features;
}
template <typename Scalar>
uint32_t Network<Scalar>::steps() const {
  return impl_->steps;
}

template <typename Scalar>
void Network<Scalar>::Forward(const Scalar* params, size_t n, const Scalar* x, Scalar* y) {
  Impl& m = *impl_;
  m.n = n;
  m.params_copy = Eigen::Map<const typename Impl::Vec>(params, static_cast<Eigen::Index>(m.total));
  m.x = typename Impl::ConstMap(x, m.features, static_cast<Eigen::Index>(m.steps * n));
  params = m.params_copy.data();
  for (size_t l = 0; l < m.lstm.size(); ++l) m.ForwardLstm(l, params);
  // Dense head on h_{T-1} of the last LSTM layer: a' = act(K^T a + bias).
  const auto& top = m.lstm.back();
  const Eigen::Index N = static_cast<Eigen::Index>(n);
  typename Impl::Mat a = top.h.rightCols(N);
  for (auto& D : m.dense) {
    typename Impl::ConstMap Kt(params + D.k_off, D.units, D.inputs);
    Eigen::Map<const typename Impl::Vec> bias(params + D.b_off, D.units);
    D.in = std::move(a);
    D.out.noalias() = Kt * D.in;
    D.out.colwise() += bias;
    Impl::Activate(D.activation, &D.out);
    a = D.out;
  }
  for (size_t b = 0; b < n; ++b) y[b] = a(0, static_cast<Eigen::Index>(b));
}

template <typename Scalar>
void Network<Scalar>::Backward(const Scalar* dy, Scalar* caller_grad) {
  Impl& m = *impl_;
  const Scalar* params = m.params_copy.data();
  m.grad_sum.setZero(static_cast<Eigen::Index>(m.total));
  Scalar* grad = m.grad_sum.data();
  const Eigen::Index N = static_cast<Eigen::Index>(m.n);
  typename Impl::Mat d = Eigen::Map<const typename Impl::Mat>(dy, 1, N);
  for (size_t k = m.dense.size(); k-- > 0;) {
    auto& D = m.dense[k];
    // d(pre-activation) = d(out) * act'(pre): relu' = [out > 0], tanh' = 1 - out^2.
    if (D.activation == Activation::kRelu) {
      d = (D.out.array() > Scalar(0)).select(d, Scalar(0));
    } else if (D.activation == Activation::kTanh) {
      d.array() *= Scalar(1) - D.out.array().square();
    }
    typename Impl::ConstMap Kt(params + D.k_off, D.units, D.inputs);
    typename Impl::MutMap gKt(grad + D.k_off, D.units, D.inputs);
    Eigen::Map<typename Impl::Vec> gbias(grad + D.b_off, D.units);
    gKt.noalias() += d * D.in.transpose();
    gbias += d.rowwise().sum();
    typename Impl::Mat below = Kt.transpose() * d;
    d = std::move(below);
  }
  // d is now dL/dh_{T-1} of the top LSTM layer.
  for (size_t l = m.lstm.size(); l-- > 0;) {
    if (l + 1 == m.lstm.size()) {
      m.BackwardLstm(l, params, grad, d, /*last_step_only=*/true);
    } else {
      m.BackwardLstm(l, params, grad, m.lstm[l + 1].dx, /*last_step_only=*/false);
    }
  }
  Eigen::Map<typename Impl::Vec>(caller_grad, static_cast<Eigen::Index>(m.total)) += m.grad_sum;
}

template class Network<float>;
template class Network<double>;

}  // namespace shelfcast::train
