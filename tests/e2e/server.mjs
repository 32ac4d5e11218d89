// A tiny static file server for the browser tests and the example pages: URL prefixes map
// to folders, files only (a folder serves its index.html; no directory listings), nothing
// outside the mapped folders.
//
//   import { startServer, defaultMounts } from './server.mjs';
//   const server = await startServer({ '/': 'web', '/dist/': 'build/wasm/dist', '/models/': dir });
//   await page.goto(`${server.url}/examples/streaming.html`);
//   await server.close();
//
// As a command (then open http://127.0.0.1:8080/examples/streaming.html):
//   node tests/e2e/server.mjs [--port 8080]
// serves web/ at /, build/wasm/dist/ at /dist/ and build/demo/ at /models/ (scripts/demo.sh
// writes an LSTM-16 there).
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The layout the example pages expect: web/ at /, the wasm dist at /dist/, models at /models/. */
export function defaultMounts({ dist, models } = {}) {
  return {
    '/': resolve(root, 'web'),
    '/dist/': resolve(dist ?? process.env.SHELFCAST_DIST ?? resolve(root, 'build/wasm/dist')),
    '/models/': resolve(models ?? resolve(root, 'build/demo')),
  };
}

/**
 * Starts serving `mounts` ({ urlPrefix: folder }) on 127.0.0.1. Options: port (default 0,
 * any free port). Resolves to { url, port, close() }.
 */
export async function startServer(mounts, { port = 0 } = {}) {
  // Longest prefix first, so '/dist/' wins over '/'.
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);

  const server = createServer(async (req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    const mount = table.find(([prefix]) => path.startsWith(prefix) || `${path}/` === prefix);
    if (!mount) return send(404, 'not found\n');
    const [prefix, dir] = mount;
    const file = resolve(dir, `.${sep}${path.slice(prefix.length)}`);
    if (file !== dir && !file.startsWith(dir + sep)) return send(403, 'forbidden\n');
    // A folder serves its index.html (the demo's address is the site's root); a folder
    // named without its trailing slash is redirected to it, so relative URLs resolve.
    let target = file;
    let info;
    try {
      info = await stat(target);
      if (info.isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { location: `${new URL(req.url, 'http://localhost').pathname}/` });
          return res.end();
        }
        target = join(target, 'index.html');
        info = await stat(target);
      }
    } catch {
      return send(404, 'not found\n');
    }
    if (!info.isFile()) return send(404, 'not found\n');
    res.writeHead(200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(target).pipe(res);
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const server = await startServer(defaultMounts(), { port: i > 0 ? Number(process.argv[i + 1]) : 8080 });
  console.log(`serving on ${server.url}: web/ at /, the wasm dist at /dist/, build/demo at /models/`);
  console.log(`  ${server.url}/examples/streaming.html?model=/models/lstm16-untrained.shcf`);
}
