/**
 * A small static file server for the exported site (out/), with gzip, so a local run measures what a
 * CDN would send. `npm start` builds and then runs this file; tests/e2e/run.ts imports startServer().
 *
 *   node scripts/serve.mjs            serves out/ on http://localhost:3000 (PORT and HOST env change it)
 *
 * Pages are served cross-origin isolated (COOP and COEP headers, as public/_headers asks of a static
 * host), which gives the WebAssembly backend its threads; ISOLATED=0 serves them without, to see
 * the one-thread fallback.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.txt', '.svg', '.bin', '.map']);

/** The headers that make a page cross-origin isolated, so it may use SharedArrayBuffer (threads). */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * Serves `root` on host:port (port 0 = any free port). Resolves to { url, port, close() }.
 * /a/b/ serves a/b/index.html; /a/b (no slash, a folder) redirects to /a/b/ as static hosts do.
 * `isolated` adds ISOLATION_HEADERS to every response.
 */
export function startServer({ root = 'out', port = 0, host = '127.0.0.1', log = false, isolated = true } = {}) {
  const base = path.resolve(root);
  if (!existsSync(path.join(base, 'index.html'))) {
    return Promise.reject(new Error(`${base}/index.html is missing: build the site first (npm run build)`));
  }
  const gzipCache = new Map(); // path -> { mtimeMs, body }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('Bad request');
      return;
    }
    let file = path.join(base, pathname);
    if (!file.startsWith(base)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    let status = 200;
    let stat = existsSync(file) ? statSync(file) : null;
    if (stat?.isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(308, { Location: `${pathname}/${url.search}` }).end();
        return;
      }
      file = path.join(file, 'index.html');
      stat = existsSync(file) ? statSync(file) : null;
    }
    if (!stat && existsSync(`${file}.html`)) {
      file = `${file}.html`;
      stat = statSync(file);
    }
    if (!stat) {
      status = 404;
      file = path.join(base, '404.html');
      stat = existsSync(file) ? statSync(file) : null;
      if (!stat) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
        return;
      }
    }
    const ext = path.extname(file).toLowerCase();
    const headers = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      // Hashed build files never change; pages and data are revalidated.
      'Cache-Control': pathname.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(isolated ? ISOLATION_HEADERS : {}),
    };
    const wantsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (log) console.log(`${status} ${req.method} ${pathname}`);
    if (wantsGzip && COMPRESSIBLE.has(ext)) {
      let cached = gzipCache.get(file);
      if (!cached || cached.mtimeMs !== stat.mtimeMs) {
        cached = { mtimeMs: stat.mtimeMs, body: gzipSync(readFileSync(file), { level: 9 }) };
        gzipCache.set(file, cached);
      }
      res.writeHead(status, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': cached.body.length, Vary: 'Accept-Encoding' });
      res.end(req.method === 'HEAD' ? undefined : cached.body);
      return;
    }
    res.writeHead(status, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        url: `http://${shownHost}:${actualPort}`,
        port: actualPort,
        close: () => new Promise((done) => server.close(() => done())),
        server,
      });
    });
  });
}

// Run as a script: node scripts/serve.mjs
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? 'localhost';
  const root = process.env.SITE_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
  startServer({ root, port, host, log: Boolean(process.env.LOG_REQUESTS), isolated: process.env.ISOLATED !== '0' }).then(
    ({ url }) => console.log(`DiT Lab is served at ${url}/ (Ctrl+C stops it)`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
