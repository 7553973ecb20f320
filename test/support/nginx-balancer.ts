// Runs the real nginx (Debian's package) with the site file we ship, deploy/nginx/opentps.conf, rewritten
// only where a test must differ from production: loopback port instead of 443, a test certificate, the
// test's nodes as upstream servers (and the test certificate as the client-certificate root), and every nginx
// path inside a temporary prefix.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSelfSignedCertificate } from '../../src/adapters/tls/self-signed-certificate.js';
import { findFreePort } from './free-port.js';
import { waitForPort } from './wait-for-port.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? null;
const SITE_FILE = join(import.meta.dirname, '..', '..', 'deploy', 'nginx', 'opentps.conf');

export interface NginxBalancer {
  readonly url: string;
  /** The certificate nginx presents (for name localhost). */
  readonly ca: string;
  /** The access log the shipped site file writes (its opentps_no_query format). */
  readonly accessLogFile: string;
  stop(): Promise<void>;
}

/** Why nginx tests cannot run here, or false when they can. */
export function nginxSkipReason(): string | false {
  return NGINX === null ? 'nginx is not installed (Debian package nginx-light; .ci/run installs it)' : false;
}

/** The shipped site file with the test's port, certificate and upstream nodes. */
export function rewriteSiteFile(site: string, options: { port: number; certFile: string; keyFile: string; accessLogFile: string; upstreams: readonly string[] }): string {
  const upstreamLine = /^\s*server 127\.0\.0\.1:8081 (.*);$/m;
  const serverOptions = upstreamLine.exec(site)?.[1];
  if (serverOptions === undefined) throw new Error(`${SITE_FILE}: the upstream "server 127.0.0.1:8081 ..." line is gone`);
  const replaced = site
    .replace(upstreamLine, options.upstreams.map((address) => `    server ${address} ${serverOptions};`).join('\n'))
    .replace(/^\s*listen 443 ssl;$/m, `    listen 127.0.0.1:${options.port} ssl;`)
    .replace(/^\s*listen \[::\]:443 ssl;$/m, '')
    .replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${options.certFile};`)
    .replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${options.keyFile};`)
    // The root that client certificates are asked against: the test's own certificate stands in for it.
    .replace(/ssl_client_certificate\s+\S+;/, `ssl_client_certificate ${options.certFile};`)
    .replace(/access_log\s+\S+\s+opentps_no_query;/, `access_log ${options.accessLogFile} opentps_no_query;`);
  for (const expected of [`listen 127.0.0.1:${options.port} ssl;`, options.certFile, options.keyFile, options.accessLogFile]) {
    if (!replaced.includes(expected)) throw new Error(`${SITE_FILE} no longer has the line the test rewrites for ${expected}`);
  }
  return replaced;
}

export async function startNginxBalancer(prefix: string, upstreams: readonly string[]): Promise<NginxBalancer> {
  if (NGINX === null) throw new Error('nginx is not installed');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const { certPem, keyPem } = await generateSelfSignedCertificate(['localhost', '127.0.0.1']);
  const certFile = join(prefix, 'cert.pem');
  const keyFile = join(prefix, 'key.pem');
  writeFileSync(certFile, certPem);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  const port = await findFreePort();
  const accessLogFile = join(prefix, 'logs', 'access.log');
  writeFileSync(join(prefix, 'opentps-site.conf'), rewriteSiteFile(readFileSync(SITE_FILE, 'utf8'), { port, certFile, keyFile, accessLogFile, upstreams }));
  // Workers as the user running the test (root in CI): the temporary prefix is private to it.
  const isRoot = process.getuid?.() === 0;
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      ...(isRoot ? ['user root;'] : []),
      'worker_processes 1;',
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${join(prefix, 'logs', 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(prefix, `${kind}-temp`)};`),
      `  include ${join(prefix, 'opentps-site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'logs', 'error.log')];
  const checked = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`nginx -t refused the shipped site file: ${checked.stderr}`);
  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.emitWarning(`nginx exited with ${code}: ${stderr}`);
  });
  await waitForPort(port, 10_000, 'nginx');
  return {
    url: `https://127.0.0.1:${port}`,
    ca: certPem,
    accessLogFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGQUIT');
      await exited;
    },
  };
}
