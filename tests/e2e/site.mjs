// Shared by the demo-site browser tests: builds the site (scripts/build-site.mjs), serves
// it, launches the Debian Chromium through playwright-core, and records every request a
// page makes with its bytes.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite } from '../../scripts/build-site.mjs';
import { startServer } from './server.mjs';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Screenshots and measurements go here. */
export const outDir = resolve(root, 'build/e2e');
export const CHROMIUM = process.env.SHELFCAST_CHROMIUM ?? '/usr/bin/chromium';
export const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (set SHELFCAST_CHROMIUM)`;

/** Builds the site into build/e2e/<name> and serves it. Returns { site, server }. */
export async function serveSite(name) {
  mkdirSync(outDir, { recursive: true });
  const site = await buildSite({ out: join(outDir, name) });
  const server = await startServer({ '/': site.out });
  return { site, server };
}

// Chromium's flags for every e2e test: headless, no sandbox (containers), nothing that
// talks to the network by itself.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** A fresh browser with its own profile; nothing in it talks to the network by itself. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const userDataDir = await mkdtemp(join(tmpdir(), 'shelfcast-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1920, height: 1080 }, args: CHROMIUM_ARGS,
  });
}

/** A Chromium browser (incognito contexts with `newContext()`), the same flags. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Makes the context's pages a browser without wasm SIMD: their WebAssembly.validate refuses
 * every module with a SIMD opcode prefix (0xfd in a code section is enough for the 31-byte
 * probe of shelfcast-common.js), as such a browser does.
 */
export function withoutWasmSimd(context) {
  return context.addInitScript(() => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = (bytes) => {
      const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes);
      return b.length < 64 && b.includes(0xfd) ? false : validate(bytes);
    };
  });
}

/**
 * Records the requests of a browser context: [{ url, bytes, status, done }] (bytes: the
 * response body as received, uncompressed: the server never compresses). `settled()`
 * waits until every request so far has finished or failed.
 */
export function recordRequests(context) {
  const requests = [];
  const byRequest = new Map();
  context.on('request', (request) => {
    let finish;
    const entry = { url: request.url(), bytes: null, status: null, done: new Promise((resolve) => (finish = resolve)) };
    entry.finish = finish;
    byRequest.set(request, entry);
    requests.push(entry);
  });
  context.on('requestfinished', async (request) => {
    const entry = byRequest.get(request);
    if (!entry) return;
    entry.status = (await request.response())?.status() ?? null;
    entry.bytes = (await request.sizes()).responseBodySize;
    entry.finish();
  });
  context.on('requestfailed', (request) => {
    const entry = byRequest.get(request);
    if (!entry) return;
    entry.status = `failed: ${request.failure()?.errorText}`;
    entry.finish();
  });
  requests.settled = () => Promise.all(requests.map((r) => r.done));
  return requests;
}

/** Pixels of a canvas that differ from its background (transparent or white). */
export async function drawnPixels(locator) {
  return locator.evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && !(data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250)) n++;
    }
    return n;
  });
}
