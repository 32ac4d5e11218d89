// A small, independent JavaScript encoder and decoder for the subset of onnx.proto the
// tests and benchmarks need. It shares no code with the C++ reader/writer
// (src/interop/onnx), so files it writes are an independent check of the importer, and
// files it reads check the exporter.
//
//   import { modelProto, graphProto, node, tensor, valueInfo, attr, decodeModel } from './onnx_wire.mjs';
//   const bytes = modelProto({ opset: 17, graph: graphProto({ nodes, initializers, inputs, outputs }) });
//   const { graph } = decodeModel(bytes);  // { initializers: Map(name -> { dims, dataType, values }), nodes, ... }

// ---- Encoding -------------------------------------------------------------------------

class Writer {
  constructor() {
    this.bytes = [];
  }
  varint(v) {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
  int(field, v) {
    this.tag(field, 0);
    this.varint(v);
  }
  float(field, v) {
    this.tag(field, 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.bytes.push(...b);
  }
  bytesField(field, data) {
    this.tag(field, 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
  }
  string(field, s) {
    this.bytesField(field, new TextEncoder().encode(s));
  }
  message(field, w) {
    this.bytesField(field, w.bytes);
  }
  packedInt64(field, values) {
    const w = new Writer();
    for (const v of values) w.varint(v);
    this.bytesField(field, w.bytes);
  }
}

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 };
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 };

/** A TensorProto: float data goes to raw_data, int64 to int64_data. */
export function tensor(name, dims, dataType, values) {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  w.int(2, dataType);
  if (dataType === DataType.INT64) {
    w.packedInt64(7, values);
  } else if (dataType === DataType.FLOAT) {
    const f = Float32Array.from(values);
    w.string(8, name);
    w.bytesField(9, new Uint8Array(f.buffer));
    return w;
  } else if (dataType === DataType.INT8 || dataType === DataType.UINT8) {
    w.string(8, name);
    w.bytesField(9, Uint8Array.from(values, (v) => v & 0xff));
    return w;
  } else {
    throw new Error(`tensor(): data type ${dataType} not supported`);
  }
  w.string(8, name);
  return w;
}

/** An AttributeProto from a JS value: number (int or float by `type`), string, arrays, tensor Writer. */
export function attr(name, type, value) {
  const w = new Writer();
  w.string(1, name);
  switch (type) {
    case AttrType.FLOAT: w.float(2, value); break;
    case AttrType.INT: w.int(3, value); break;
    case AttrType.STRING: w.string(4, value); break;
    case AttrType.TENSOR: w.message(5, value); break;
    case AttrType.FLOATS: for (const v of value) w.float(7, v); break;
    case AttrType.INTS: for (const v of value) w.int(8, v); break;
    case AttrType.STRINGS: for (const v of value) w.string(9, v); break;
    default: throw new Error(`attr(): type ${type} not supported`);
  }
  w.int(20, type);
  return w;
}

export function node(opType, inputs, outputs, { name = '', attributes = [], domain = '' } = {}) {
  const w = new Writer();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  if (name) w.string(3, name);
  w.string(4, opType);
  for (const a of attributes) w.message(5, a);
  if (domain) w.string(7, domain);
  return w;
}

/** A float ValueInfoProto; dims are numbers or strings (symbolic). */
export function valueInfo(name, dims, elemType = DataType.FLOAT) {
  const shape = new Writer();
  for (const d of dims) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tt = new Writer();
  tt.int(1, elemType);
  tt.message(2, shape);
  const type = new Writer();
  type.message(1, tt);
  const w = new Writer();
  w.string(1, name);
  w.message(2, type);
  return w;
}

export function graphProto({ name = 'graph', nodes, initializers, inputs, outputs }) {
  const w = new Writer();
  for (const n of nodes) w.message(1, n);
  w.string(2, name);
  for (const t of initializers) w.message(5, t);
  for (const i of inputs) w.message(11, i);
  for (const o of outputs) w.message(12, o);
  return w;
}

export function modelProto({ irVersion = 8, opset = 17, extraOpsets = [], producer = 'onnx_wire.mjs', graph }) {
  const w = new Writer();
  w.int(1, irVersion);
  w.string(2, producer);
  w.message(7, graph);
  const opsets = [['', opset], ...extraOpsets];
  for (const [domain, version] of opsets) {
    const o = new Writer();
    if (domain) o.string(1, domain);
    o.int(2, version);
    w.message(8, o);
  }
  return new Uint8Array(w.bytes);
}

// ---- Decoding (what the tests read back: nodes, initializers, inputs, outputs) ---------

function* fields(bytes) {
  let pos = 0;
  const varint = () => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= bytes.length) throw new Error('truncated varint');
      const b = bytes[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 5) { yield { field, wire, data: bytes.subarray(pos, pos + 4) }; pos += 4; }
    else if (wire === 1) { yield { field, wire, data: bytes.subarray(pos, pos + 8) }; pos += 8; }
    else if (wire === 2) {
      const len = Number(varint());
      yield { field, wire, data: bytes.subarray(pos, pos + len) };
      pos += len;
    } else throw new Error(`wire type ${wire} not supported`);
  }
}

const text = (data) => new TextDecoder().decode(data);

function decodeTensor(bytes) {
  const t = { name: '', dims: [], dataType: 0, values: [] };
  let raw = null;
  for (const f of fields(bytes)) {
    if (f.field === 1) {
      if (f.wire === 0) t.dims.push(Number(BigInt.asIntN(64, f.value)));
      else for (const g of fields(f.data)) t.dims.push(Number(g.value));
    } else if (f.field === 2) t.dataType = Number(f.value);
    else if (f.field === 8) t.name = text(f.data);
    else if (f.field === 9) raw = f.data;
    else if (f.field === 4) t.values.push(...new Float32Array(f.data.slice().buffer));
    else if (f.field === 7) {
      if (f.wire === 0) t.values.push(Number(BigInt.asIntN(64, f.value)));
      else {
        let pos = 0;
        const d = f.data;
        while (pos < d.length) {
          let v = 0n;
          for (let s = 0n; ; s += 7n) { const b = d[pos++]; v |= BigInt(b & 0x7f) << s; if (!(b & 0x80)) break; }
          t.values.push(Number(BigInt.asIntN(64, v)));
        }
      }
    }
  }
  if (raw) {
    const copy = raw.slice();
    if (t.dataType === DataType.FLOAT) t.values = Array.from(new Float32Array(copy.buffer));
    else if (t.dataType === DataType.INT8) t.values = Array.from(new Int8Array(copy.buffer));
    else if (t.dataType === DataType.UINT8) t.values = Array.from(copy);
    else if (t.dataType === DataType.INT64) t.values = Array.from(new BigInt64Array(copy.buffer), Number);
  }
  return t;
}

function decodeValueInfo(bytes) {
  const v = { name: '', dims: [] };
  for (const f of fields(bytes)) {
    if (f.field === 1) v.name = text(f.data);
    if (f.field !== 2) continue;
    for (const tt of fields(f.data)) {
      if (tt.field !== 1) continue;
      for (const t of fields(tt.data)) {
        if (t.field !== 2) continue;
        for (const d of fields(t.data)) {
          let dim = null;
          for (const x of fields(d.data)) dim = x.field === 1 ? Number(x.value) : text(x.data);
          v.dims.push(dim);
        }
      }
    }
  }
  return v;
}

function decodeNode(bytes) {
  const n = { inputs: [], outputs: [], name: '', opType: '', domain: '', attributes: {} };
  for (const f of fields(bytes)) {
    if (f.field === 1) n.inputs.push(text(f.data));
    else if (f.field === 2) n.outputs.push(text(f.data));
    else if (f.field === 3) n.name = text(f.data);
    else if (f.field === 4) n.opType = text(f.data);
    else if (f.field === 7) n.domain = text(f.data);
    else if (f.field === 5) {
      let name = '';
      const a = { ints: [], floats: [], strings: [] };
      for (const g of fields(f.data)) {
        if (g.field === 1) name = text(g.data);
        else if (g.field === 3) a.i = Number(BigInt.asIntN(64, g.value));
        else if (g.field === 2) a.f = new Float32Array(g.data.slice().buffer)[0];
        else if (g.field === 4) a.s = text(g.data);
        else if (g.field === 8) a.ints.push(Number(BigInt.asIntN(64, g.value)));
        else if (g.field === 7) a.floats.push(new Float32Array(g.data.slice().buffer)[0]);
        else if (g.field === 9) a.strings.push(text(g.data));
      }
      n.attributes[name] = a;
    }
  }
  return n;
}

/** Decodes a ModelProto: { opsets, metadata, graph: { nodes, initializers: Map, inputs, outputs } }. */
export function decodeModel(input) {
  // A plain Uint8Array copy: a Node Buffer's slice() shares memory, Uint8Array's copies.
  const bytes = new Uint8Array(input);
  const model = { opsets: [], metadata: {}, graph: { nodes: [], initializers: new Map(), inputs: [], outputs: [] } };
  for (const f of fields(bytes)) {
    if (f.field === 8) {
      let domain = '', version = 0;
      for (const g of fields(f.data)) {
        if (g.field === 1) domain = text(g.data);
        if (g.field === 2) version = Number(g.value);
      }
      model.opsets.push({ domain, version });
    } else if (f.field === 14) {
      let key = '', value = '';
      for (const g of fields(f.data)) {
        if (g.field === 1) key = text(g.data);
        if (g.field === 2) value = text(g.data);
      }
      model.metadata[key] = value;
    } else if (f.field === 7) {
      for (const g of fields(f.data)) {
        if (g.field === 1) model.graph.nodes.push(decodeNode(g.data));
        else if (g.field === 5) { const t = decodeTensor(g.data); model.graph.initializers.set(t.name, t); }
        else if (g.field === 11) model.graph.inputs.push(decodeValueInfo(g.data));
        else if (g.field === 12) model.graph.outputs.push(decodeValueInfo(g.data));
      }
    }
  }
  return model;
}

/**
 * The weights of an LSTM forecaster exported by `shelfcast export onnx --graph core`,
 * back in Keras layout (gates i, f, c, o along the columns): { hidden, inputs, kernel
 * [inputs][4H], recurrent [H][4H], bias [4H], dense: [{ kernel [in][units], bias }] }.
 * Float LSTM only (one layer).
 */
export function lstmWeightsFromOnnx(bytes) {
  const { graph } = decodeModel(bytes);
  const lstm = graph.nodes.find((n) => n.opType === 'LSTM');
  if (!lstm) throw new Error('no float LSTM node');
  const init = (name) => {
    const t = graph.initializers.get(name);
    if (!t) throw new Error(`initializer ${name} missing`);
    return t;
  };
  const W = init(lstm.inputs[1]), R = init(lstm.inputs[2]), B = init(lstm.inputs[3]);
  const rows = W.dims[1], inputs = W.dims[2], hidden = rows / 4;
  const kerasGate = [0, 3, 1, 2];  // ONNX i, o, f, c -> Keras column block
  const col = (r) => kerasGate[Math.floor(r / hidden)] * hidden + (r % hidden);
  const kernel = new Float32Array(inputs * rows), recurrent = new Float32Array(hidden * rows), bias = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = col(r);
    for (let k = 0; k < inputs; k++) kernel[k * rows + c] = W.values[r * inputs + k];
    for (let k = 0; k < hidden; k++) recurrent[k * rows + c] = R.values[r * hidden + k];
    bias[c] = B.values[r] + B.values[rows + r];
  }
  const dense = [];
  for (const n of graph.nodes) {
    if (n.opType !== 'MatMul' && n.opType !== 'Gemm') continue;
    const k = init(n.inputs[1]);
    const biasNode = n.opType === 'Gemm' ? n : graph.nodes.find((m) => m.opType === 'Add' && m.inputs[0] === n.outputs[0]);
    const b = init(n.opType === 'Gemm' ? n.inputs[2] : biasNode.inputs[1]);
    dense.push({ inputs: k.dims[0], units: k.dims[1], kernel: Float32Array.from(k.values), bias: Float32Array.from(b.values) });
  }
  return { hidden, inputs, kernel, recurrent, bias, dense };
}
