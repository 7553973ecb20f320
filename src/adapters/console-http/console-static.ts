// Serves the built console (web/dist, made by `npm run build:web` at install) at /console/, and
// redirects / there. Only files below the build folder, only GET/HEAD; hashed assets cached for good.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const NOT_BUILT_PAGE =
  '<!doctype html><meta charset="utf-8"><title>OpenTPS</title><p>The console is not built. Run <code>npm run build:web</code> ' +
  '(<code>npm ci</code> does it) and restart. The admin API is at <code>/api/v1/</code>.</p>';

function sendFile(reply: FastifyReply, path: string, isImmutable: boolean): FastifyReply {
  const stats = statSync(path);
  reply.header('content-type', CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');
  reply.header('content-length', String(stats.size));
  reply.header('cache-control', isImmutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  if (extname(path) === '.html') {
    reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    reply.header('x-frame-options', 'DENY');
  }
  return reply.send(createReadStream(path));
}

export function registerConsoleStatic(app: FastifyInstance, distDir: string): void {
  const root = normalize(distDir);
  app.get('/', async (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console', async (_request, reply) => reply.redirect('/console/', 301));
  app.get('/console/*', async (request, reply) => {
    const index = join(root, 'index.html');
    if (!existsSync(index)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    const wanted = (request.params as { '*': string })['*'] ?? '';
    let relative: string;
    try {
      relative = decodeURIComponent(wanted.split('?')[0] ?? '');
    } catch {
      return reply.code(400).type('text/plain').send('bad path');
    }
    const candidate = normalize(join(root, relative));
    const isInside = candidate === root || candidate.startsWith(root + sep);
    if (isInside && relative !== '' && !relative.includes('\0') && existsSync(candidate) && statSync(candidate).isFile()) {
      return sendFile(reply, candidate, relative.startsWith('assets/'));
    }
    // Client-side routes (and anything unknown) get the app shell; missing assets are a real 404.
    if (relative.startsWith('assets/')) return reply.code(404).type('text/plain').send('not found');
    return sendFile(reply, index, false);
  });
}
