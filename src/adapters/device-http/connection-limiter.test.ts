import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { createConnectionLimiter, limitConnectionsPerAddress, REFUSAL_LOG_INTERVAL_MS, type AcceptedSocket, type ConnectionLimiter } from './connection-limiter.js';

class FakeSocket extends EventEmitter implements AcceptedSocket {
  isDestroyed = false;
  constructor(readonly remoteAddress: string | undefined) {
    super();
  }
  destroy(): this {
    this.isDestroyed = true;
    return this;
  }
  close(): void {
    this.emit('close');
  }
}

interface LoggedLine {
  readonly details: Record<string, unknown>;
  readonly message: string;
}

function createTestLimiter(maxPerAddress: number, exempt: readonly string[] = []): { limiter: ConnectionLimiter; lines: LoggedLine[]; advanceMs(ms: number): void } {
  let nowMs = 1_000_000;
  const lines: LoggedLine[] = [];
  const limiter = createConnectionLimiter({
    maxPerAddress,
    isExempt: (address) => exempt.includes(address),
    clock: { nowMs: () => nowMs },
    logger: { warn: (details, message) => lines.push({ details, message }) },
  });
  return { limiter, lines, advanceMs: (ms) => (nowMs += ms) };
}

function openFrom(limiter: ConnectionLimiter, address: string, count: number): FakeSocket[] {
  return Array.from({ length: count }, () => {
    const socket = new FakeSocket(address);
    limiter.admit(socket);
    return socket;
  });
}

test('connections from one address are admitted up to the cap and the next one is destroyed at once', () => {
  const { limiter } = createTestLimiter(3);
  const admitted = openFrom(limiter, '198.51.100.7', 3);
  assert.ok(admitted.every((socket) => !socket.isDestroyed));
  const extra = new FakeSocket('198.51.100.7');
  assert.equal(limiter.admit(extra), false);
  assert.equal(extra.isDestroyed, true);
  assert.equal(limiter.openCount('198.51.100.7'), 3);
  assert.equal(limiter.refusedCount(), 1);
});

test('a closed connection frees its slot for the next one from the same address', () => {
  const { limiter } = createTestLimiter(2);
  const [first] = openFrom(limiter, '198.51.100.7', 2);
  assert.equal(limiter.admit(new FakeSocket('198.51.100.7')), false);
  first?.close();
  assert.equal(limiter.openCount('198.51.100.7'), 1);
  assert.equal(limiter.admit(new FakeSocket('198.51.100.7')), true);
  assert.equal(limiter.openCount('198.51.100.7'), 2);
});

test('each address has its own count', () => {
  const { limiter } = createTestLimiter(1);
  assert.equal(limiter.admit(new FakeSocket('198.51.100.7')), true);
  assert.equal(limiter.admit(new FakeSocket('198.51.100.8')), true);
  assert.equal(limiter.admit(new FakeSocket('198.51.100.7')), false);
  assert.equal(limiter.openCount('198.51.100.8'), 1);
});

test('an exempt address (a trusted proxy) is neither counted nor refused', () => {
  const { limiter } = createTestLimiter(1, ['127.0.0.1']);
  const sockets = openFrom(limiter, '127.0.0.1', 50);
  assert.ok(sockets.every((socket) => !socket.isDestroyed));
  assert.equal(limiter.openCount('127.0.0.1'), 0);
  assert.equal(limiter.refusedCount(), 0);
});

test('an address with no open connection left is forgotten, so the counts hold only live addresses', () => {
  const { limiter } = createTestLimiter(5);
  const sockets = openFrom(limiter, '198.51.100.7', 3);
  for (const socket of sockets) socket.close();
  assert.equal(limiter.openCount('198.51.100.7'), 0);
  // A close emitted twice must not free a slot that another connection holds.
  const [kept] = openFrom(limiter, '198.51.100.7', 1);
  sockets[0]?.close();
  assert.equal(limiter.openCount('198.51.100.7'), 1);
  kept?.close();
});

test('refusals are logged at most once a minute per address, naming the address and the flag, with the count held back', () => {
  const { limiter, lines, advanceMs } = createTestLimiter(1);
  openFrom(limiter, '198.51.100.7', 1);
  for (let i = 0; i < 5; i++) limiter.admit(new FakeSocket('198.51.100.7'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]?.message ?? '', /198\.51\.100\.7/);
  assert.match(lines[0]?.message ?? '', /--max-connections-per-address/);
  assert.equal(lines[0]?.details['address'], '198.51.100.7');
  assert.equal(lines[0]?.details['refused'], 1);

  advanceMs(REFUSAL_LOG_INTERVAL_MS - 1);
  limiter.admit(new FakeSocket('198.51.100.7'));
  assert.equal(lines.length, 1);
  advanceMs(1);
  limiter.admit(new FakeSocket('198.51.100.7'));
  assert.equal(lines.length, 2);
  // The 4 held back in the first minute, the one just before it ended, and this one.
  assert.equal(lines[1]?.details['refused'], 6);
  assert.equal(limiter.refusedCount(), 7);
});

test('another address refused in the same minute gets its own line', () => {
  const { limiter, lines } = createTestLimiter(1);
  openFrom(limiter, '198.51.100.7', 1);
  openFrom(limiter, '198.51.100.8', 1);
  limiter.admit(new FakeSocket('198.51.100.7'));
  limiter.admit(new FakeSocket('198.51.100.8'));
  assert.deepEqual(lines.map((line) => line.details['address']), ['198.51.100.7', '198.51.100.8']);
});

test('refusals held back for a quiet address are reported once its minute is over and another refusal is logged', () => {
  const { limiter, lines, advanceMs } = createTestLimiter(1);
  openFrom(limiter, '198.51.100.7', 1);
  openFrom(limiter, '198.51.100.8', 1);
  for (let i = 0; i < 3; i++) limiter.admit(new FakeSocket('198.51.100.7'));
  advanceMs(REFUSAL_LOG_INTERVAL_MS);
  limiter.admit(new FakeSocket('198.51.100.8'));
  assert.deepEqual(
    lines.map((line) => [line.details['address'], line.details['refused']]),
    [['198.51.100.7', 1], ['198.51.100.8', 1], ['198.51.100.7', 2]],
  );
});

test('limitConnectionsPerAddress hands admitted sockets to the server listeners and keeps refused ones from them', () => {
  const server = new Server();
  const seen: unknown[] = [];
  server.on('connection', (socket: Socket) => seen.push(socket));
  const { limiter } = createTestLimiter(1);
  limitConnectionsPerAddress(server, limiter);
  const first = new FakeSocket('198.51.100.7');
  const second = new FakeSocket('198.51.100.7');
  server.emit('connection', first);
  server.emit('connection', second);
  assert.deepEqual(seen, [first]);
  assert.equal(second.isDestroyed, true);
});
