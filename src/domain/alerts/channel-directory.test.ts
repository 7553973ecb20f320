import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenTpsError } from '../../errors.js';
import type { ChannelRecord, NewChannel } from './alert-store.js';
import { createChannelDirectory, type ChannelInput } from './channel-directory.js';

/** A store that keeps what it is given, so each test sees what would have been written. */
function recordingDirectory() {
  const channels: ChannelRecord[] = [];
  const directory = createChannelDirectory({
    clock: { nowMs: () => 1_000 },
    newSecret: () => 'whsec_test',
    store: {
      listChannels: async () => channels,
      findChannel: async (id) => channels.find((channel) => channel.id === id) ?? null,
      addChannel: async (channel: NewChannel) => {
        const record: ChannelRecord = { ...channel, id: channels.length + 1, createdAtMs: channel.atMs, lastSuccessAtMs: null, lastFailureAtMs: null, lastFailure: null };
        channels.push(record);
        return record;
      },
      updateChannel: async (id, changes) => {
        const index = channels.findIndex((channel) => channel.id === id);
        const current = channels[index];
        if (current === undefined) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', String(id));
        const updated = { ...current, ...changes };
        channels[index] = updated;
        return updated;
      },
      deleteChannel: async () => undefined,
    },
  });
  return { directory, channels };
}

const EMAIL: ChannelInput = { kind: 'email', name: 'Mail', to: ['a@example.com', 'a@example.com'], from: 'opentps@example.com', smtpHost: 'smtp.example.com', smtpPort: 465, smtpPassword: 'pw' };

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  assert.ok(error instanceof OpenTpsError, 'refused with an OpenTpsError');
  assert.equal(error.code, 'ERR_CHANNEL_INVALID');
  return error.message;
}

test('a webhook channel gets a new secret and its URL as parsed; a URL that is not https is refused before the store', async () => {
  const { directory, channels } = recordingDirectory();
  const channel = await directory.add({ kind: 'webhook', name: ' Hook ', url: 'https://hooks.example.com/a' });
  assert.deepEqual([channel.name, channel.secret, channel.target, channel.minSeverity, channel.isEnabled], ['Hook', 'whsec_test', { kind: 'webhook', url: 'https://hooks.example.com/a' }, 'warning', true]);
  assert.match(await refusal(directory.add({ kind: 'webhook', name: 'Plain', url: 'http://example.com' })), /url: must be https/);
  assert.equal(channels.length, 1);
});

test('an e-mail channel has no secret, its recipients once each, implicit TLS on port 465; each bad member is named', async () => {
  const { directory, channels } = recordingDirectory();
  const channel = await directory.add(EMAIL);
  assert.equal(channel.secret, null);
  assert.deepEqual(channel.target, { kind: 'email', to: ['a@example.com'], from: 'opentps@example.com', smtpHost: 'smtp.example.com', smtpPort: 465, smtpSecure: true, smtpUser: null, smtpPassword: 'pw' });
  assert.match(await refusal(directory.add({ ...EMAIL, to: Array.from({ length: 21 }, (_unused, index) => `u${index}@example.com`) })), /to: 1 to 20/);
  assert.match(await refusal(directory.add({ ...EMAIL, from: 'nobody' })), /from: /);
  assert.match(await refusal(directory.add({ ...EMAIL, smtpPort: 0 })), /smtpPort/);
  assert.match(await refusal(directory.add({ ...EMAIL, smtpHost: 'a b' })), /smtpHost/);
  assert.match(await refusal(directory.add({ ...EMAIL, name: '' })), /name/);
  assert.equal(channels.length, 1);
});

test('a change of an e-mail channel keeps the stored password unless one is given, and a webhook takes no e-mail member', async () => {
  const { directory } = recordingDirectory();
  const mail = await directory.add(EMAIL);
  const moved = await directory.update(mail.id, { smtpHost: 'mail.example.org' });
  assert.deepEqual(moved.target.kind === 'email' ? [moved.target.smtpHost, moved.target.smtpPassword] : null, ['mail.example.org', 'pw']);
  const cleared = await directory.update(mail.id, { smtpPassword: null });
  assert.equal(cleared.target.kind === 'email' ? cleared.target.smtpPassword : 'x', null);
  const hook = await directory.add({ kind: 'webhook', name: 'Hook', url: 'https://hooks.example.com/a' });
  assert.match(await refusal(directory.update(hook.id, { to: ['a@example.com'] })), /to: a webhook channel/);
});
