// shelfcast-common.js: the helpers both engine loaders need, once: shelfcast.js (the
// kiosk and data engines, loadEngine) and shelfcast-core.js (the core engine, loadCore)
// import it. It holds only these three (day numbers, the SIMD128 probe, reading or
// fetching bytes), so the core's download stays small (docs/size.md, "The core engine").
// Each helper reports a failure through the `fail` its caller gives (a function that
// throws that loader's own error class with the message).

/**
 * Day number (days since 1970-01-01, UTC) of a 'YYYY-MM-DD' string, a Date or a number.
 * The engines store day numbers as int32: any other number would wrap to another day.
 */
export function dayNumber(date, fail) {
  if (typeof date === 'number') {
    if (!Number.isInteger(date) || date < -2147483648 || date > 2147483647) fail(`${date} is not a day number`);
    return date;
  }
  if (date instanceof Date) return Math.floor(date.getTime() / 86400000);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(date));
  if (!m) fail(`'${date}' is not a YYYY-MM-DD date`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(t);
  if (back.getUTCMonth() !== +m[2] - 1 || back.getUTCDate() !== +m[3]) fail(`'${date}' is not a calendar date`);
  return t / 86400000;
}

// The smallest module that uses SIMD128 (i8x16.splat, i8x16.popcnt): WebAssembly.validate
// accepts it only on a host that runs wasm SIMD (Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0,
  253, 15, 253, 98, 11]);

/** True when this host runs WebAssembly SIMD128 (checked with WebAssembly.validate, nothing is run). */
export function hostHasWasmSimd() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/**
 * The bytes at a URL (a URL or a string): under Node anything but http(s), data: and blob:
 * is read from disk (a file: URL, or a path from the working directory), anything else is
 * fetched (relative to the document). A failure calls fail(`URL: what`): "no such file",
 * "HTTP 404" (the URL as requested), the read's or the fetch's message.
 */
export async function fetchBytes(url, fail) {
  const href = String(url);
  let response;
  try {
    if (isNode && !/^(https?|data|blob):/i.test(href)) {
      const { readFile } = await import('node:fs/promises');
      const bytes = await readFile(href.startsWith('file:') ? new URL(href) : href);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    response = await fetch(url);
  } catch (e) {
    return fail(`${href}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  // (the URL as requested: a relative one resolved against the document)
  if (!response.ok) fail(`${response.url || href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
