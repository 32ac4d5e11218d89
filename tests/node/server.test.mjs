// The static server of scripts/demo.sh, scripts/serve.mjs and the browser tests
// (tests/e2e/server.mjs): the address demo.sh prints is the site's root, so a folder
// serves its index.html; files only, nothing outside the mapped folders.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../e2e/server.mjs';

let server;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shelfcast-server-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>root</title>');
  writeFileSync(join(dir, 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'index.html'), 'sub page');
  mkdirSync(join(dir, 'empty'));
  server = await startServer({ '/': dir });
});

after(() => server.close());

/** The status of a GET of `path` sent as it is (no URL normalisation). */
const rawStatus = (path) => new Promise((resolve, reject) => {
  request(`${server.url}/`, { path }, (res) => {
    res.resume();
    resolve(res.statusCode);
  }).on('error', reject).end();
});

const get = (path) => fetch(`${server.url}${path}`, { redirect: 'manual' });

test('the root and a folder serve their index.html', async () => {
  const root = await get('/');
  assert.equal(root.status, 200);
  assert.equal(root.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await root.text(), '<!doctype html><title>root</title>');
  const sub = await get('/sub/');
  assert.equal(sub.status, 200);
  assert.equal(await sub.text(), 'sub page');
});

test('a folder named without its slash is redirected to it, so relative URLs resolve', async () => {
  const r = await get('/sub');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/sub/');
});

test('files keep their MIME type; a folder without index.html, a missing file and a path outside are refused', async () => {
  const wasm = await get('/a.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), new Uint8Array([0, 97, 115, 109]));
  assert.equal((await get('/empty/')).status, 404);
  assert.equal((await get('/missing.js')).status, 404);
  // ".." segments are resolved away as URLs; encoded slashes decode to a path outside.
  assert.equal(await rawStatus('/..%2F..%2Fetc%2Fpasswd'), 403);
});
