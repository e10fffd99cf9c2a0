// A static file server for the search browser tests and benchmark: serves a built site on
// 127.0.0.1 at `/` and again under `/catalog/` (a sub-path), like any static host. With
// `gzip: true` it compresses text and wasm responses (HTML, JS, JSON, CSS, SVG, wasm) as CDNs do; other binary files
// are sent as they are. Counts the bytes it sends.
import { createServer } from 'node:http';
import { createSecureServer } from 'node:http2';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.xml': 'application/xml',
  '.ttl': 'text/turtle',
  '.nt': 'application/n-triples',
  '.jsonld': 'application/ld+json',
};
const TEXT = new Set(['.html', '.js', '.mjs', '.json', '.css', '.svg', '.xml', '.wasm']);

// A self-signed certificate for 127.0.0.1, made with the openssl command for one run.
function certificate() {
  const dir = mkdtempSync(join(tmpdir(), 'almanac-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `http2: true` serves HTTP/2 over TLS (as static hosts and CDNs do; browsers speak HTTP/2
// only over TLS), with a certificate made for the run.
export async function serve(root, { gzip = false, http2 = false } = {}) {
  const stats = { bytes: 0, requests: [] };
  // Compressed once per file, as a CDN's cache would, so the server adds little latency.
  const compressed = new Map();
  const handler = async (request, response) => {
    let path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (path.startsWith('/catalog/')) path = path.slice('/catalog'.length);
    else if (path === '/catalog') path = '/';
    let file = join(root, normalize(path));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      let body = await readFile(file);
      const ext = extname(file);
      const headers = { 'content-type': TYPES[ext] || 'application/octet-stream' };
      if (gzip && TEXT.has(ext) && (request.headers['accept-encoding'] || '').includes('gzip')) {
        if (!compressed.has(file)) compressed.set(file, gzipSync(body, { level: 9 }));
        body = compressed.get(file);
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = body.length;
      stats.bytes += body.length;
      stats.requests.push({ path, bytes: body.length });
      response.writeHead(200, headers).end(body);
    } catch {
      let body = Buffer.from('not found');
      try {
        body = await readFile(join(root, '404.html'));
      } catch {}
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    }
  };
  const server = http2
    ? createSecureServer({ ...certificate(), allowHTTP1: true }, handler)
    : createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `${http2 ? 'https' : 'http'}://127.0.0.1:${port}`,
    stats,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
