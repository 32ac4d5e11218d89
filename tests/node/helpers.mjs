// Paths shared by the Node tests: the wasm dist folder, the native CLI and native build files.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('../..', import.meta.url).pathname);

export function distModule(name) {
  const dist = process.env.SHELFCAST_DIST ?? resolve(root, 'build/wasm/dist');
  return pathToFileURL(resolve(dist, name)).href;
}

export function nativeCli() {
  const cli = process.env.SHELFCAST_NATIVE_CLI ?? resolve(root, 'build/native/src/cli/shelfcast');
  if (!existsSync(cli)) throw new Error(`native CLI not found at ${cli}: run scripts/build.sh native first`);
  return cli;
}

// A file of the native build (e.g. a test tool), by its path inside build/native.
export function nativeBuildFile(relative) {
  const build = process.env.SHELFCAST_NATIVE_BUILD ?? resolve(root, 'build/native');
  const file = resolve(build, relative);
  if (!existsSync(file)) throw new Error(`${file} not found: run scripts/build.sh native first`);
  return file;
}

// True when the suite runs on the wasm-debug engine (SAFE_HEAP, ASSERTIONS=2): it checks
// every heap access and runs 10-30x slower. Tests that repeat one code path over many
// option sets keep their full runs on the release build (`{ skip: debugSkip }`), so the
// debug stage covers each path once within its time budget.
export const wasmDebug = process.env.SHELFCAST_WASM_DEBUG === '1';
export const debugSkip = wasmDebug && 'the release build runs this sweep; the debug build runs each code path once (tests/node/helpers.mjs)';
