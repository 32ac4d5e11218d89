#!/usr/bin/env node
// Bytes per function of a wasm module built with names (emcc --profiling-funcs), and the
// size of each section. Used by scripts/size-report.sh.
//   node scripts/wasm-sizes.mjs FILE.wasm [TOP=25] [--parts]
// --parts: the code also by part of the engine (loader, LSTM, int8, kernels, libc...), the
// finer split docs/size.md uses for the core engine.
import { readFileSync } from 'node:fs';

const parts = process.argv.includes('--parts');
const [file, topArg] = process.argv.slice(2).filter((a) => a !== '--parts');
if (!file) {
  console.error('usage: wasm-sizes.mjs FILE.wasm [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const buf = readFileSync(file);
let pos = 8;
function uleb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return result;
  }
}
function name() {
  const n = uleb();
  const s = buf.toString('utf8', pos, pos + n);
  pos += n;
  return s;
}
const sectionNames = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
const sections = [];
let importedFuncs = 0;
const bodies = [];
const names = new Map();
while (pos < buf.length) {
  const id = buf[pos++];
  const size = uleb();
  const start = pos;
  let label = sectionNames[id] ?? `id${id}`;
  if (id === 0) {
    label = `custom:${name()}`;
    if (label === 'custom:name') {
      while (pos < start + size) {
        const sub = buf[pos++];
        const subSize = uleb();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const count = uleb();
          for (let i = 0; i < count; i++) {
            const index = uleb();
            names.set(index, name());
          }
        }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    const count = uleb();
    for (let i = 0; i < count; i++) {
      name();
      name();
      const kind = buf[pos++];
      if (kind === 0) { uleb(); importedFuncs++; }
      else if (kind === 1) { pos++; const f = buf[pos++]; uleb(); if (f & 1) uleb(); }
      else if (kind === 2) { const f = buf[pos++]; uleb(); if (f & 1) uleb(); }
      else if (kind === 3) { pos += 2; }
    }
  } else if (id === 10) {
    const count = uleb();
    for (let i = 0; i < count; i++) {
      const s = uleb();
      bodies.push({ index: importedFuncs + i, bytes: s });
      pos += s;
    }
  }
  sections.push({ label, bytes: size });
  pos = start + size;
}
console.log(`${file}: ${buf.length} bytes`);
for (const s of sections) console.log(`  section ${s.label.padEnd(24)} ${String(s.bytes).padStart(8)}`);
bodies.sort((a, b) => b.bytes - a.bytes);
const code = bodies.reduce((sum, b) => sum + b.bytes, 0);
// Code by kind, from function names (what a change would have to shrink).
const kinds = [
  ['shelfcast kernels (micro-kernels, cells, quantisation)', /^shelfcast::(void )?.*(ukernel|_cell_|lstm_cell|quantize|dequantize|CellBlock)/],
  // sc_*: the core engine's C ABI (core_api.cpp); sc_model_load has the loader inlined.
  ['shelfcast, other (loader, setup, forecaster, streams, data tools, bindings)', /^shelfcast::|^(void |bool |int |float |double )?shelfcast::|^sc_/],
  ['Embind (registration, wire types, invokers)', /emscripten::|embind|__getTypeName|_embind_/],
  ['libc++, musl, malloc, runtime', /./],
];
const byKind = new Map(kinds.map(([k]) => [k, 0]));
for (const b of bodies) {
  const n = names.get(b.index) ?? '';
  byKind.set(kinds.find(([, re]) => re.test(n))[0], byKind.get(kinds.find(([, re]) => re.test(n))[0]) + b.bytes);
}
console.log('  code by kind:');
for (const [k, bytes] of byKind) console.log(`  ${String(bytes).padStart(8)}  ${k}`);
if (parts) {
  // First match wins; names as --profiling-funcs writes them.
  const byPart = [
    ['load: reader, validation, setup (sc_model_load has them inlined)', /^sc_model_load|Validate|ByteReader|ReadModel|ReadScales|ReadMask|Decode|Expand|Tensor::|[Cc]rc32/],
    ['kernels: scalar reference twins', /__scalar/],
    ['kernels: hard-sigmoid / relu LSTM cells (SIMD)', /(hard_sigmoid|relu).*__simd/],
    ['int8 and full-integer: kernels, layers, setup', /qs8_|qs16_|Qs8|Int8|Integer|FixedMultiplier|PackQs8|dequant|quantize/],
    ['sparse: kernels, setup', /spmm|Sparse/],
    ['kernels: f32 gemm, sigmoid cell (SIMD)', /__simd/],
    ['message formatting (printf or core_printf.cpp, to_string)', /printf|fmt_|pop_arg|wctomb|Digits|^\(anonymous namespace\)::(Scale|Round|FormatFloat|IntegerDigits|Split|ProductError)|to_string|frexp|to_chars|__itoa|^out$|^pad$|^getint$|sn_write/],
    ['libc++ templates (vector, string)', /^(\w+\*? )?std::|^byn\$mgfn-shared\$std/],
    ['shelfcast: LSTM layers, forecaster, f32 setup', /shelfcast::/],
    ['C ABI (core_api.cpp) / Embind', /^sc_|emscripten::|embind/],
    ['libc: malloc, memcpy, expf/tanhf, runtime', /./],
  ];
  const byP = new Map(byPart.map(([k]) => [k, 0]));
  for (const b of bodies) {
    const n = names.get(b.index) ?? '';
    const k = byPart.find(([, re]) => re.test(n))[0];
    byP.set(k, byP.get(k) + b.bytes);
  }
  console.log('  code by part:');
  for (const [k, bytes] of [...byP].sort((a, b) => b[1] - a[1])) console.log(`  ${String(bytes).padStart(8)}  ${k}`);
}
console.log(`  ${bodies.length} functions, ${code} bytes of code; top ${top}:`);
for (const b of bodies.slice(0, top)) {
  const n = names.get(b.index) ?? `func${b.index}`;
  console.log(`  ${String(b.bytes).padStart(8)}  ${n.length > 150 ? `${n.slice(0, 147)}...` : n}`);
}
