import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { chooseLogFormat, createProcessLogger } from './process-logger.js';

/** A destination keeping what was written, as text. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

test('auto is pretty on a terminal and JSON elsewhere; json and pretty are what they say wherever they go', () => {
  assert.equal(chooseLogFormat('auto', { isTerminal: true }), 'pretty');
  assert.equal(chooseLogFormat('auto', { isTerminal: false }), 'json');
  assert.equal(chooseLogFormat('json', { isTerminal: true }), 'json');
  assert.equal(chooseLogFormat('pretty', { isTerminal: false }), 'pretty');
});

test('the JSON format writes one object per line with the level, the message, the fields and the service', async () => {
  const out = capture();
  const logger = await createProcessLogger({ level: 'info', format: 'json', destination: out.stream });
  logger.info({ url: 'https://localhost:8443' }, 'OpenTPS listening');
  logger.debug('below the level');
  const lines = out.text().trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const entry: unknown = JSON.parse(lines[0] ?? '');
  assert.ok(typeof entry === 'object' && entry !== null);
  assert.deepEqual(
    { level: Reflect.get(entry, 'level'), msg: Reflect.get(entry, 'msg'), url: Reflect.get(entry, 'url'), service: Reflect.get(entry, 'service') },
    { level: 30, msg: 'OpenTPS listening', url: 'https://localhost:8443', service: 'opentps' },
  );
});

test('the pretty format writes a readable line: time, level name and message, then the fields, never JSON', async () => {
  const out = capture();
  const logger = await createProcessLogger({ level: 'info', format: 'pretty', destination: out.stream, isColored: false });
  logger.warn({ dropped: 3 }, 'live events not relayed');
  const text = out.text();
  assert.match(text, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: live events not relayed\n {4}dropped: 3\n$/);
  assert.throws(() => JSON.parse(text.split('\n')[0] ?? ''));
  assert.doesNotMatch(text, /service|hostname|pid/);
});
