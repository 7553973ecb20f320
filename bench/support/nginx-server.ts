// nginx serving one directory from disk on a free loopback port: the ceiling for file downloads.
// Started with a generated configuration in a temporary prefix; null when nginx is not installed.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../test/support/free-port.js';
import { waitForPort } from '../../test/support/wait-for-port.js';

export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxServer {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * One worker process (OpenTPS serves from one event loop), sendfile on, no access log: nginx as
 * an operator would run it to serve static files.
 */
export async function startNginx(rootDir: string): Promise<NginxServer | null> {
  if (!existsSync(NGINX_BINARY)) return null;
  const prefix = mkdtempSync(join(tmpdir(), 'opentps-bench-nginx-'));
  const port = await findFreePort();
  const config = `
worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  types { application/octet-stream bin; }
  server {
    listen 127.0.0.1:${port};
    root ${rootDir};
    location / { }
  }
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), config);
  const child = spawn(NGINX_BINARY, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 5000, 'nginx');
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGQUIT');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
