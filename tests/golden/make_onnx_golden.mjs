// Generates ONNX forecasters the way other tools write them, with the protobuf encoding
// done here in JavaScript (onnx_wire.mjs), independently of shelfcast's C++ writer:
//
//   pytorch_lstm.onnx   torch.onnx.export (opset 17) of nn.LSTM(1, 8, batch_first=True)
//                       + nn.Linear(8, 1) applied to out[:, -1, :]: Transpose to time-major,
//                       zero initial states built from Shape/Gather/Concat/ConstantOfShape
//                       and Expand, Squeeze + Transpose + Gather(-1) after the LSTM, Gemm
//                       with transB=1 (Linear's [out, in] weight). PyTorch's gates i, f, g, o
//                       with separate b_ih, b_hh, reordered to ONNX i, o, f, c as the
//                       exporter does.
//   tf2onnx_lstm.onnx   tf2onnx (opset 13) of a Keras model with normalisation folded in:
//                       (x - 52) * (1/28) -> LSTM(12) -> Y_h -> Squeeze -> MatMul + Add,
//                       then * 28 + 52; input [unk__6, 30, 1] with a symbolic batch.
//
// Weights are seeded (mulberry32), so the files are reproducible. The Node test
// tests/node/onnx_oracle.test.mjs imports each file with `shelfcast import onnx` and checks
// that shelfcast reproduces onnxruntime-web's outputs on the same file.
//
//   node tests/golden/make_onnx_golden.mjs      (rewrites the .onnx files; commit them)
import { writeFileSync } from 'node:fs';
import { AttrType, DataType, attr, graphProto, modelProto, node, tensor, valueInfo } from './onnx_wire.mjs';
import { mulberry32 } from '../../scripts/lib/random.mjs';

const uniform = (rand, n, lim) => Array.from({ length: n }, () => (2 * rand() - 1) * lim);
const i64 = (name, values, dims = [values.length]) => tensor(name, dims, DataType.INT64, values);
const f32 = (name, dims, values) => tensor(name, dims, DataType.FLOAT, values);

// Reorders gate blocks of rows: `order[g]` is the source block of target gate g.
function reorderRows(values, hidden, cols, order) {
  const out = new Array(values.length);
  for (let g = 0; g < 4; g++)
    for (let r = 0; r < hidden; r++)
      for (let c = 0; c < cols; c++) out[(g * hidden + r) * cols + c] = values[(order[g] * hidden + r) * cols + c];
  return out;
}

function pytorch() {
  const H = 8, T = 30, rand = mulberry32(2024);
  const k = 1 / Math.sqrt(H);  // PyTorch's LSTM init: U(-1/sqrt(H), 1/sqrt(H))
  const wIh = uniform(rand, 4 * H * 1, k), wHh = uniform(rand, 4 * H * H, k);
  const bIh = uniform(rand, 4 * H, k), bHh = uniform(rand, 4 * H, k);
  const fcW = uniform(rand, H, k), fcB = uniform(rand, 1, k);
  // PyTorch packs i, f, g, o; ONNX wants i, o, f, c: target block g comes from source [0, 3, 1, 2][g].
  const order = [0, 3, 1, 2];
  const W = reorderRows(wIh, H, 1, order), R = reorderRows(wHh, H, H, order);
  const B = [...reorderRows(bIh, H, 1, order), ...reorderRows(bHh, H, 1, order)];
  const zero = f32('', [1], [0]);
  const nodes = [
    node('Transpose', ['input'], ['/lstm/Transpose_output_0'], { name: '/lstm/Transpose', attributes: [attr('perm', AttrType.INTS, [1, 0, 2])] }),
    node('Shape', ['input'], ['/lstm/Shape_output_0'], { name: '/lstm/Shape' }),
    node('Constant', [], ['/lstm/Constant_output_0'], { name: '/lstm/Constant', attributes: [attr('value', AttrType.TENSOR, i64('', [0], []))] }),
    node('Gather', ['/lstm/Shape_output_0', '/lstm/Constant_output_0'], ['/lstm/Gather_output_0'], { name: '/lstm/Gather', attributes: [attr('axis', AttrType.INT, 0)] }),
    node('Constant', [], ['/lstm/Constant_1_output_0'], { name: '/lstm/Constant_1', attributes: [attr('value', AttrType.TENSOR, i64('', [0]))] }),
    node('Unsqueeze', ['/lstm/Gather_output_0', '/lstm/Constant_1_output_0'], ['/lstm/Unsqueeze_output_0'], { name: '/lstm/Unsqueeze' }),
    node('Constant', [], ['/lstm/Constant_2_output_0'], { name: '/lstm/Constant_2', attributes: [attr('value', AttrType.TENSOR, i64('', [1]))] }),
    node('Constant', [], ['/lstm/Constant_3_output_0'], { name: '/lstm/Constant_3', attributes: [attr('value', AttrType.TENSOR, i64('', [H]))] }),
    node('Concat', ['/lstm/Constant_2_output_0', '/lstm/Unsqueeze_output_0', '/lstm/Constant_3_output_0'], ['/lstm/Concat_output_0'], { name: '/lstm/Concat', attributes: [attr('axis', AttrType.INT, 0)] }),
    node('ConstantOfShape', ['/lstm/Concat_output_0'], ['/lstm/ConstantOfShape_output_0'], { name: '/lstm/ConstantOfShape', attributes: [attr('value', AttrType.TENSOR, zero)] }),
    node('Constant', [], ['/lstm/Constant_4_output_0'], { name: '/lstm/Constant_4', attributes: [attr('value', AttrType.TENSOR, f32('', [1, 1, 1], [0]))] }),
    node('Expand', ['/lstm/Constant_4_output_0', '/lstm/Concat_output_0'], ['/lstm/Expand_output_0'], { name: '/lstm/Expand' }),
    node('LSTM', ['/lstm/Transpose_output_0', 'onnx::LSTM_W', 'onnx::LSTM_R', 'onnx::LSTM_B', '', '/lstm/ConstantOfShape_output_0', '/lstm/Expand_output_0'],
      ['/lstm/LSTM_output_0', '/lstm/LSTM_output_1', '/lstm/LSTM_output_2'], { name: '/lstm/LSTM', attributes: [attr('hidden_size', AttrType.INT, H)] }),
    node('Constant', [], ['/lstm/Constant_5_output_0'], { name: '/lstm/Constant_5', attributes: [attr('value', AttrType.TENSOR, i64('', [1]))] }),
    node('Squeeze', ['/lstm/LSTM_output_0', '/lstm/Constant_5_output_0'], ['/lstm/Squeeze_output_0'], { name: '/lstm/Squeeze' }),
    node('Transpose', ['/lstm/Squeeze_output_0'], ['/lstm/Transpose_1_output_0'], { name: '/lstm/Transpose_1', attributes: [attr('perm', AttrType.INTS, [1, 0, 2])] }),
    node('Constant', [], ['/Constant_output_0'], { name: '/Constant', attributes: [attr('value', AttrType.TENSOR, i64('', [-1], []))] }),
    node('Gather', ['/lstm/Transpose_1_output_0', '/Constant_output_0'], ['/Gather_output_0'], { name: '/Gather', attributes: [attr('axis', AttrType.INT, 1)] }),
    node('Gemm', ['/Gather_output_0', 'fc.weight', 'fc.bias'], ['output'], {
      name: '/fc/Gemm', attributes: [attr('alpha', AttrType.FLOAT, 1), attr('beta', AttrType.FLOAT, 1), attr('transB', AttrType.INT, 1)],
    }),
  ];
  const initializers = [
    f32('onnx::LSTM_W', [1, 4 * H, 1], W), f32('onnx::LSTM_R', [1, 4 * H, H], R), f32('onnx::LSTM_B', [1, 8 * H], B),
    f32('fc.weight', [1, H], fcW), f32('fc.bias', [1], fcB),
  ];
  const graph = graphProto({
    name: 'main_graph', nodes, initializers,
    inputs: [valueInfo('input', ['batch', T, 1])], outputs: [valueInfo('output', ['batch', 1])],
  });
  return modelProto({ irVersion: 8, opset: 17, producer: 'pytorch (emulated by make_onnx_golden.mjs)', graph });
}

function tf2onnx() {
  const H = 12, T = 30, rand = mulberry32(77);
  const glorot = (fanIn, fanOut) => Math.sqrt(6 / (fanIn + fanOut));
  // Keras layout: kernel [1, 4H], recurrent [H, 4H], bias [4H], gates i, f, c, o in columns.
  const kernel = uniform(rand, 4 * H, glorot(1, 4 * H));
  const recurrent = uniform(rand, H * 4 * H, glorot(H, 4 * H));
  const bias = uniform(rand, 4 * H, 0.1).map((v, j) => (j >= H && j < 2 * H ? v + 1 : v));  // unit forget bias
  const denseW = uniform(rand, H, glorot(H, 1)), denseB = uniform(rand, 1, 0.1);
  // tf2onnx writes W [1, 4H, 1] and R [1, 4H, H] in ONNX order (i, o, f, c): row r of ONNX
  // gate g is Keras column kerasGate[g] * H + r.
  const kerasGate = [0, 3, 1, 2];
  const W = [], R = [], B = new Array(8 * H).fill(0);
  for (let g = 0; g < 4; g++)
    for (let r = 0; r < H; r++) {
      const col = kerasGate[g] * H + r;
      W.push(kernel[col]);
      for (let k = 0; k < H; k++) R.push(recurrent[k * 4 * H + col]);
      B[g * H + r] = bias[col];
    }
  const nodes = [
    node('Sub', ['input_1', 'sub_y'], ['sub_out'], { name: 'normalization/sub' }),
    node('Mul', ['sub_out', 'mul_y'], ['mul_out'], { name: 'normalization/truediv' }),
    node('Transpose', ['mul_out'], ['lstm/transpose:0'], { name: 'lstm/transpose', attributes: [attr('perm', AttrType.INTS, [1, 0, 2])] }),
    node('LSTM', ['lstm/transpose:0', 'W', 'R', 'B'], ['', 'lstm/Y_h'], { name: 'lstm/LSTM', attributes: [attr('hidden_size', AttrType.INT, H), attr('direction', AttrType.STRING, 'forward')] }),
    node('Squeeze', ['lstm/Y_h', 'const_axes__0'], ['lstm/Squeeze:0'], { name: 'lstm/Squeeze' }),
    node('MatMul', ['lstm/Squeeze:0', 'dense/MatMul/ReadVariableOp:0'], ['dense/MatMul:0'], { name: 'dense/MatMul' }),
    node('Add', ['dense/MatMul:0', 'dense/BiasAdd/ReadVariableOp:0'], ['dense/BiasAdd:0'], { name: 'dense/BiasAdd' }),
    node('Mul', ['dense/BiasAdd:0', 'denorm_scale'], ['denorm/mul:0'], { name: 'denorm/mul' }),
    node('Add', ['denorm/mul:0', 'denorm_offset'], ['denorm'], { name: 'denorm/add' }),
  ];
  const initializers = [
    f32('sub_y', [], [52]), f32('mul_y', [], [1 / 28]),
    f32('W', [1, 4 * H, 1], W), f32('R', [1, 4 * H, H], R), f32('B', [1, 8 * H], B),
    i64('const_axes__0', [0]),
    f32('dense/MatMul/ReadVariableOp:0', [H, 1], denseW), f32('dense/BiasAdd/ReadVariableOp:0', [1], denseB),
    f32('denorm_scale', [], [28]), f32('denorm_offset', [], [52]),
  ];
  const graph = graphProto({
    name: 'tf2onnx', nodes, initializers,
    inputs: [valueInfo('input_1', ['unk__6', T, 1])], outputs: [valueInfo('denorm', ['unk__7', 1])],
  });
  return modelProto({ irVersion: 7, opset: 13, producer: 'tf2onnx (emulated by make_onnx_golden.mjs)', graph });
}

for (const [file, bytes] of [['pytorch_lstm.onnx', pytorch()], ['tf2onnx_lstm.onnx', tf2onnx()]]) {
  const out = new URL(`./${file}`, import.meta.url);
  writeFileSync(out, bytes);
  console.log(`wrote ${out.pathname} (${bytes.length} bytes)`);
}
