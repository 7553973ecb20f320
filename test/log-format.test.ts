// `--log-format`: JSON lines off a terminal by default (every other process test parses them), readable
// pino-pretty lines with --log-format pretty, from the real server process.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { SOURCE_ENTRY } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

async function firstLinesUntilListening(extraArgs: readonly string[]): Promise<string[]> {
  const dir = createTempDataDir();
  const child = spawn(process.execPath, [SOURCE_ENTRY.script, 'serve', '--data', dir.path, '--http', '--host', '127.0.0.1', '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OPENTPS_ADMIN_PASSWORD: 'log format password' },
  });
  const lines: string[] = [];
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      // The start-up line's last field: on the JSON line itself, or the last of the pretty lines below it.
      if (line.includes('clientAuth')) break;
    }
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
    dir.remove();
  }
  return lines;
}

test('standard output that is not a terminal gets one JSON object per line', async () => {
  const lines = await firstLinesUntilListening([]);
  assert.ok(lines.length > 0);
  for (const line of lines) assert.equal(typeof JSON.parse(line), 'object', line);
});

test('--log-format pretty writes readable lines: time, level and message, the fields below, no JSON', async () => {
  const lines = await firstLinesUntilListening(['--log-format', 'pretty']);
  const listening = lines.find((line) => line.includes('OpenTPS listening on'));
  assert.match(listening ?? '', /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: OpenTPS listening on http:\/\/127\.0\.0\.1:\d+;/);
  assert.ok(lines.some((line) => /^ {4}url: "http:\/\/127\.0\.0\.1:\d+"$/.test(line)), 'the fields follow, one per line');
  for (const line of lines) assert.throws(() => JSON.parse(line), SyntaxError, line);
});

test('OPENTPS_LOG_FORMAT=json keeps JSON; a bad value exits 2 naming the variable before any port opens', async () => {
  const dir = createTempDataDir();
  try {
    const child = spawn(process.execPath, [SOURCE_ENTRY.script, 'serve', '--data', dir.path, '--http', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENTPS_LOG_FORMAT: 'colour' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(stderr, /OPENTPS_LOG_FORMAT: expected one of auto, json, pretty, received "colour"/);
  } finally {
    dir.remove();
  }
});
