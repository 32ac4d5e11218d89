// Writes an LSTM forecaster as a stateless, unrolled TFLite graph of plain ops, for
// LiteRT.js, which refuses the fused TFLite LSTM ("variable tensors not yet supported").
//
//   import { unrolledLstmTflite } from './tflite.mjs';
//   const bytes = unrolledLstmTflite(weights, { window: 30, batch: 500 });   // Uint8Array
//
// Graph (static shapes; one file per batch size, as XNNPACK plans static shapes best):
//   input x [window, batch, 1] (normalised, time-major, like the ONNX core graph), then
//   for each step t:
//     x_t   = RESHAPE(SLICE(x, [t, 0, 0], [1, batch, 1]), [batch, 1])
//     z     = FULLY_CONNECTED(CONCATENATION(x_t, h), W [4H, 1 + H], b)   (step 0: x_t only)
//     i, f, g, o = SPLIT(z, 4)                                           (Keras order i, f, c, o)
//     c     = ADD(MUL(LOGISTIC(f), c), MUL(LOGISTIC(i), TANH(g)))        (step 0: MUL only)
//     h     = MUL(LOGISTIC(o), TANH(c))
//   y = FULLY_CONNECTED(h, Wd [1, H], bd)  ->  output [batch, 1] (normalised).
// Every op is one XNNPACK handles, so LiteRT runs the whole graph in its XNNPACK delegate.
// The step-0 shortcuts drop work on the zero initial state, to the peer's advantage.
//
// The FlatBuffer is laid out front to back: each table's vtable sits right before it and
// every child object (table, vector, string) after its parent, so all offsets point
// forward, as the format requires. Field slots follow tensorflow/lite/schema/schema.fbs.

class FlatBuffer {
  constructor() {
    this.buf = new Uint8Array(1 << 16);
    this.pos = 0;
    this.view = new DataView(this.buf.buffer);
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length;
    while (this.pos + n > size) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf);
    this.buf = grown;
    this.view = new DataView(this.buf.buffer);
  }
  pad(align, extra = 0) {
    while ((this.pos + extra) % align !== 0) { this.ensure(1); this.buf[this.pos++] = 0; }
  }
  u8(v) { this.ensure(1); this.view.setUint8(this.pos, v); this.pos += 1; }
  u16(v) { this.ensure(2); this.view.setUint16(this.pos, v, true); this.pos += 2; }
  i32(v) { this.ensure(4); this.view.setInt32(this.pos, v, true); this.pos += 4; }
  u32(v) { this.ensure(4); this.view.setUint32(this.pos, v, true); this.pos += 4; }
  patchOffset(at, target) { this.view.setUint32(at, target - at, true); }

  // A table: fields = [[slot, kind, value]], kind one of u8, bool, i32, u32, ref (value is
  // a function writing the child object and returning its position). Returns the table's position.
  table(fields) {
    const present = fields.filter(([, , v]) => v !== undefined);
    const slots = present.length ? Math.max(...present.map(([s]) => s)) + 1 : 0;
    const size = { u8: 1, bool: 1, i32: 4, u32: 4, ref: 4 };
    // Inline layout after the 4-byte vtable offset, widest first for alignment.
    const layout = [...present].sort((a, b) => size[b[1]] - size[a[1]]);
    let inline = 4;
    const offsets = new Map();
    for (const [slot, kind] of layout) {
      inline = Math.ceil(inline / size[kind]) * size[kind];
      offsets.set(slot, inline);
      inline += size[kind];
    }
    inline = Math.ceil(inline / 4) * 4;
    const vtableBytes = 4 + 2 * slots;
    this.pad(4, vtableBytes);  // the table itself must start 4-aligned
    const vtable = this.pos;
    this.u16(vtableBytes);
    this.u16(inline);
    for (let s = 0; s < slots; s++) this.u16(offsets.get(s) ?? 0);
    const start = this.pos;
    this.i32(start - vtable);  // soffset: vtable = table - soffset
    this.ensure(inline);
    this.buf.fill(0, this.pos, start + inline);
    const refs = [];
    for (const [slot, kind, value] of present) {
      const at = start + offsets.get(slot);
      if (kind === 'u8' || kind === 'bool') this.view.setUint8(at, Number(value));
      else if (kind === 'i32') this.view.setInt32(at, value, true);
      else if (kind === 'u32') this.view.setUint32(at, value, true);
      else refs.push([at, value]);
    }
    this.pos = start + inline;
    for (const [at, write] of refs) this.patchOffset(at, write());
    return start;
  }
  // Vector of scalars; returns the position of its length field.
  scalars(kind, values, align = 4) {
    const width = kind === 'u8' ? 1 : 4;
    this.pad(Math.max(align, 4), 4);  // elements start aligned; length just before them
    const at = this.pos;
    this.u32(values.length);
    for (const v of values) this[kind === 'f32' ? 'f32' : kind](v);
    void width;
    return at;
  }
  f32(v) { this.ensure(4); this.view.setFloat32(this.pos, v, true); this.pos += 4; }
  bytes(data, align) {
    this.pad(align, 4);
    const at = this.pos;
    this.u32(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return at;
  }
  string(s) {
    const data = new TextEncoder().encode(s);
    this.pad(4);
    const at = this.pos;
    this.u32(data.length);
    this.ensure(data.length + 1);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    this.u8(0);
    return at;
  }
  // Vector of tables: writers each write one table and return its position.
  tables(writers) {
    this.pad(4);
    const at = this.pos;
    this.u32(writers.length);
    const slots = writers.map(() => { const p = this.pos; this.u32(0); return p; });
    writers.forEach((write, k) => this.patchOffset(slots[k], write()));
    return at;
  }
  finish(root, identifier) {
    // [root offset][identifier] then the root table, written by `root` after them.
    this.u32(0);
    for (const ch of identifier) this.u8(ch.charCodeAt(0));
    this.patchOffset(0, root());
    return this.buf.slice(0, this.pos);
  }
}

const Op = { ADD: 0, CONCATENATION: 2, FULLY_CONNECTED: 9, LOGISTIC: 14, MUL: 18, RESHAPE: 22, TANH: 28, SPLIT: 49, SLICE: 65 };
// BuiltinOptions union indices (schema order, NONE = 0).
const Options = { FullyConnected: 8, Concatenation: 10, Add: 11, Reshape: 17, Mul: 21, Split: 35, Slice: 48 };
const TensorType = { FLOAT32: 0, INT32: 2 };

/**
 * weights: { hidden H, kernel [1][4H], recurrent [H][4H], bias [4H] (Keras layout, gates
 * i, f, c, o in columns), dense: [{ inputs, units, kernel [in][units], bias }] } with one
 * Dense(1) layer. Returns the .tflite bytes.
 */
export function unrolledLstmTflite(weights, { window, batch }) {
  const H = weights.hidden, G = 4 * H;
  if (weights.inputs !== 1 || weights.dense.length !== 1) throw new Error('unrolled TFLite: one input feature, one Dense layer');
  const buffers = [new Uint8Array(0)];  // buffer 0: the empty sentinel
  const tensors = [];
  const operators = [];
  const codes = [];
  const opcode = (op) => { let k = codes.indexOf(op); if (k < 0) { codes.push(op); k = codes.length - 1; } return k; };
  const addTensor = (name, shape, type = TensorType.FLOAT32, data = null) => {
    let buffer = 0;
    if (data) { buffers.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); buffer = buffers.length - 1; }
    tensors.push({ name, shape, type, buffer });
    return tensors.length - 1;
  };
  const op = (code, inputs, outputs, options = null) => operators.push({ code: opcode(code), inputs, outputs, options });

  // FULLY_CONNECTED weights are [units, inputs]: row j holds column j of Keras' [x; h] x [W; U].
  const wStep = new Float32Array(G * (1 + H)), wFirst = new Float32Array(G);
  for (let j = 0; j < G; j++) {
    wStep[j * (1 + H)] = weights.kernel[j];
    wFirst[j] = weights.kernel[j];
    for (let k = 0; k < H; k++) wStep[j * (1 + H) + 1 + k] = weights.recurrent[k * G + j];
  }
  const d = weights.dense[0];
  const x = addTensor('x', [window, batch, 1]);
  const W = addTensor('lstm/w', [G, 1 + H], TensorType.FLOAT32, wStep);
  const W0 = addTensor('lstm/w_first', [G, 1], TensorType.FLOAT32, wFirst);
  const B = addTensor('lstm/b', [G], TensorType.FLOAT32, Float32Array.from(weights.bias));
  const sliceSize = addTensor('slice/size', [3], TensorType.INT32, Int32Array.from([1, batch, 1]));
  const stepShape = addTensor('step/shape', [2], TensorType.INT32, Int32Array.from([batch, 1]));
  const fcOptions = { type: Options.FullyConnected, fields: [[0, 'u8', 0]] };
  let h = -1, c = -1;
  for (let t = 0; t < window; t++) {
    const begin = addTensor(`slice/begin_${t}`, [3], TensorType.INT32, Int32Array.from([t, 0, 0]));
    const sliced = addTensor(`x_${t}/slice`, [1, batch, 1]);
    op(Op.SLICE, [x, begin, sliceSize], [sliced], { type: Options.Slice, fields: [] });
    const xt = addTensor(`x_${t}`, [batch, 1]);
    op(Op.RESHAPE, [sliced, stepShape], [xt], { type: Options.Reshape, fields: [] });
    const z = addTensor(`z_${t}`, [batch, G]);
    if (t === 0) {
      op(Op.FULLY_CONNECTED, [xt, W0, B], [z], fcOptions);
    } else {
      const xh = addTensor(`xh_${t}`, [batch, 1 + H]);
      op(Op.CONCATENATION, [xt, h], [xh], { type: Options.Concatenation, fields: [[0, 'i32', 1], [1, 'u8', 0]] });
      op(Op.FULLY_CONNECTED, [xh, W, B], [z], fcOptions);
    }
    const axis = addTensor(`split/axis_${t}`, [], TensorType.INT32, Int32Array.from([1]));
    const [gi, gf, gg, go] = ['i', 'f', 'g', 'o'].map((n) => addTensor(`${n}_${t}`, [batch, H]));
    op(Op.SPLIT, [axis, z], [gi, gf, gg, go], { type: Options.Split, fields: [[0, 'i32', 4]] });
    const [si, sf, tg, so] = ['si', 'sf', 'tg', 'so'].map((n) => addTensor(`${n}_${t}`, [batch, H]));
    op(Op.LOGISTIC, [gi], [si]);
    op(Op.LOGISTIC, [gf], [sf]);
    op(Op.TANH, [gg], [tg]);
    op(Op.LOGISTIC, [go], [so]);
    const ig = addTensor(`ig_${t}`, [batch, H]);
    op(Op.MUL, [si, tg], [ig], { type: Options.Mul, fields: [[0, 'u8', 0]] });
    let cNew = ig;
    if (t > 0) {
      const fc = addTensor(`fc_${t}`, [batch, H]);
      op(Op.MUL, [sf, c], [fc], { type: Options.Mul, fields: [[0, 'u8', 0]] });
      cNew = addTensor(`c_${t}`, [batch, H]);
      op(Op.ADD, [fc, ig], [cNew], { type: Options.Add, fields: [[0, 'u8', 0]] });
    }
    c = cNew;
    const tc = addTensor(`tc_${t}`, [batch, H]);
    op(Op.TANH, [c], [tc]);
    h = addTensor(`h_${t}`, [batch, H]);
    op(Op.MUL, [so, tc], [h], { type: Options.Mul, fields: [[0, 'u8', 0]] });
  }
  const Wd = addTensor('dense/w', [d.units, H], TensorType.FLOAT32, Float32Array.from(d.kernel));  // [1, H] == [H, 1]^T for one unit
  const Bd = addTensor('dense/b', [d.units], TensorType.FLOAT32, Float32Array.from(d.bias));
  const y = addTensor('y', [batch, d.units]);
  op(Op.FULLY_CONNECTED, [h, Wd, Bd], [y], fcOptions);

  const fb = new FlatBuffer();
  return fb.finish(() => fb.table([
    [0, 'u32', 3],  // schema version
    [1, 'ref', () => fb.tables(codes.map((code) => () => fb.table([
      [0, 'u8', code], [2, 'i32', 1], [3, 'i32', code],  // deprecated_builtin_code, version, builtin_code
    ])))],
    [2, 'ref', () => fb.tables([() => fb.table([
      [0, 'ref', () => fb.tables(tensors.map((t) => () => fb.table([
        [0, 'ref', () => fb.scalars('i32', t.shape)],
        [1, 'u8', t.type],
        [2, 'u32', t.buffer],
        [3, 'ref', () => fb.string(t.name)],
      ])))],
      [1, 'ref', () => fb.scalars('i32', [x])],
      [2, 'ref', () => fb.scalars('i32', [y])],
      [3, 'ref', () => fb.tables(operators.map((o) => () => fb.table([
        [0, 'u32', o.code],
        [1, 'ref', () => fb.scalars('i32', o.inputs)],
        [2, 'ref', () => fb.scalars('i32', o.outputs)],
        [3, 'u8', o.options ? o.options.type : undefined],
        [4, 'ref', o.options ? () => fb.table(o.options.fields) : undefined],
      ])))],
      [4, 'ref', () => fb.string('main')],
    ])])],
    [3, 'ref', () => fb.string('shelfcast benchmark: unrolled LSTM forecaster')],
    [4, 'ref', () => fb.tables(buffers.map((data) => () => fb.table([
      [0, 'ref', data.length ? () => fb.bytes(data, 16) : undefined],
    ])))],
    [7, 'ref', () => fb.tables([() => fb.table([
      [0, 'ref', () => fb.tables([() => fb.table([[0, 'ref', () => fb.string('x')], [1, 'u32', x]])])],
      [1, 'ref', () => fb.tables([() => fb.table([[0, 'ref', () => fb.string('y')], [1, 'u32', y]])])],
      [2, 'ref', () => fb.string('serving_default')],
      [4, 'u32', 0],
    ])])],
  ]), 'TFL3');
}
