// Seeded random numbers for the scripts and tests that make inputs and weights: the
// golden files (tests/golden), the ONNX oracle test and the benchmarks. One generator,
// so a seed names the same numbers everywhere (the golden files depend on them).

/** mulberry32 (Tommy Ettinger): a function returning uniform [0, 1) doubles from a 32-bit seed. */
export function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
