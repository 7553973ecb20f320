// Notification channels as operators edit them (issue 16): a webhook (https URL, a Standard Webhooks secret made
// here and shown once) or e-mail over an SMTP server, each member checked before the store is asked.

import { isIP } from 'node:net';
import { OpenTpsError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { AlertSeverity } from './alert-rule.js';
import type { AlertStore, ChannelChanges, ChannelRecord, ChannelTarget } from './alert-store.js';
import { parseWebhookUrl } from './webhook-target.js';

export const MAX_CHANNEL_NAME_CHARS = 100;
export const MAX_EMAIL_RECIPIENTS = 20;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Deliberately loose (RFC 5321 is not checked here): one @, no spaces, nothing that would break a header.
const EMAIL_ADDRESS = /^[^\s@<>",;:()[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;

export interface WebhookInput {
  readonly kind: 'webhook';
  readonly url: string;
}

export interface EmailInput {
  readonly kind: 'email';
  readonly to: readonly string[];
  readonly from: string;
  readonly smtpHost: string;
  readonly smtpPort: number;
  readonly smtpSecure?: boolean | undefined;
  readonly smtpUser?: string | null | undefined;
  readonly smtpPassword?: string | null | undefined;
}

export type ChannelInput = (WebhookInput | EmailInput) & {
  readonly name: string;
  readonly isEnabled?: boolean | undefined;
  readonly minSeverity?: AlertSeverity | undefined;
};

/** Changes of a channel: the target members given replace those of its target (of the same kind). */
export interface ChannelChangesInput {
  readonly name?: string | undefined;
  readonly isEnabled?: boolean | undefined;
  readonly minSeverity?: AlertSeverity | undefined;
  readonly url?: string | undefined;
  readonly to?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly smtpHost?: string | undefined;
  readonly smtpPort?: number | undefined;
  readonly smtpSecure?: boolean | undefined;
  readonly smtpUser?: string | null | undefined;
  /** Absent: the stored password stays (the API never shows it, so the console cannot send it back). */
  readonly smtpPassword?: string | null | undefined;
}

export interface ChannelDirectory {
  list(): Promise<ChannelRecord[]>;
  /** @throws OpenTpsError ERR_CHANNEL_NOT_FOUND */
  get(id: number): Promise<ChannelRecord>;
  /** A webhook gets a new secret, in the record returned (and only there, for the API). @throws OpenTpsError ERR_CHANNEL_INVALID, ERR_CHANNEL_NAME_TAKEN */
  add(input: ChannelInput): Promise<ChannelRecord>;
  /** @throws OpenTpsError ERR_CHANNEL_NOT_FOUND, ERR_CHANNEL_INVALID, ERR_CHANNEL_NAME_TAKEN */
  update(id: number, input: ChannelChangesInput): Promise<ChannelRecord>;
  /** Its undelivered notifications go with it. @throws OpenTpsError ERR_CHANNEL_NOT_FOUND */
  remove(id: number): Promise<void>;
}

export interface ChannelDirectoryDeps {
  readonly store: Pick<AlertStore, 'listChannels' | 'findChannel' | 'addChannel' | 'updateChannel' | 'deleteChannel'>;
  /** A new webhook secret (webhook-signature.ts makes them; the domain does not import adapters). */
  readonly newSecret: () => string;
  readonly clock: Clock;
}

function invalid(member: string, problem: string): OpenTpsError {
  return new OpenTpsError('ERR_CHANNEL_INVALID', `${member}: ${problem}`);
}

function nameOf(name: string): string {
  const text = name.trim();
  if (text === '' || text.length > MAX_CHANNEL_NAME_CHARS || CONTROL.test(text)) throw invalid('name', `1 to ${MAX_CHANNEL_NAME_CHARS} characters without control characters`);
  return text;
}

function addressOf(member: string, address: string): string {
  const text = address.trim();
  if (!EMAIL_ADDRESS.test(text)) throw invalid(member, `${JSON.stringify(text.slice(0, 80))} is not an e-mail address`);
  return text;
}

function recipientsOf(to: readonly string[]): string[] {
  if (to.length < 1 || to.length > MAX_EMAIL_RECIPIENTS) throw invalid('to', `1 to ${MAX_EMAIL_RECIPIENTS} addresses`);
  return [...new Set(to.map((address, index) => addressOf(`to[${index}]`, address)))];
}

function hostOf(host: string): string {
  const text = host.trim();
  if (!HOST_NAME.test(text) && isIP(text) === 0) throw invalid('smtpHost', `${JSON.stringify(text.slice(0, 80))} is not a host name or IP address`);
  return text;
}

function portOf(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalid('smtpPort', 'a whole number from 1 to 65535');
  return port;
}

function credentialOf(member: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (value.length > 500 || CONTROL.test(value)) throw invalid(member, 'at most 500 characters without control characters');
  return value;
}

function emailTargetOf(input: Omit<EmailInput, 'kind'>): ChannelTarget {
  return {
    kind: 'email', to: recipientsOf(input.to), from: addressOf('from', input.from), smtpHost: hostOf(input.smtpHost), smtpPort: portOf(input.smtpPort),
    smtpSecure: input.smtpSecure ?? input.smtpPort === 465, smtpUser: credentialOf('smtpUser', input.smtpUser), smtpPassword: credentialOf('smtpPassword', input.smtpPassword),
  };
}

/** The target after `changes`, or undefined when they touch no target member. */
function changedTarget(current: ChannelTarget, changes: ChannelChangesInput): ChannelTarget | undefined {
  const { url, to, from, smtpHost, smtpPort, smtpSecure, smtpUser, smtpPassword } = changes;
  const emailMembers = { to, from, smtpHost, smtpPort, smtpSecure, smtpUser, smtpPassword };
  const emailChanged = Object.entries(emailMembers).filter(([, value]) => value !== undefined).map(([member]) => member);
  if (current.kind === 'webhook') {
    if (emailChanged.length > 0) throw invalid(emailChanged[0] ?? 'to', 'a webhook channel has no e-mail settings');
    return url === undefined ? undefined : { kind: 'webhook', url: parseWebhookUrl(url).href };
  }
  if (url !== undefined) throw invalid('url', 'an e-mail channel has no URL');
  if (emailChanged.length === 0) return undefined;
  return emailTargetOf({
    to: to ?? current.to, from: from ?? current.from, smtpHost: smtpHost ?? current.smtpHost, smtpPort: smtpPort ?? current.smtpPort,
    smtpSecure: smtpSecure ?? current.smtpSecure, smtpUser: smtpUser === undefined ? current.smtpUser : smtpUser,
    smtpPassword: smtpPassword === undefined ? current.smtpPassword : smtpPassword,
  });
}

export function createChannelDirectory(deps: ChannelDirectoryDeps): ChannelDirectory {
  const get = async (id: number): Promise<ChannelRecord> => {
    const channel = await deps.store.findChannel(id);
    if (channel === null) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', String(id));
    return channel;
  };
  return {
    list() {
      return deps.store.listChannels();
    },
    get,
    async add(input) {
      const name = nameOf(input.name);
      const target: ChannelTarget = input.kind === 'webhook' ? { kind: 'webhook', url: parseWebhookUrl(input.url).href } : emailTargetOf(input);
      return deps.store.addChannel({
        name, target, secret: target.kind === 'webhook' ? deps.newSecret() : null, isEnabled: input.isEnabled ?? true,
        minSeverity: input.minSeverity ?? 'warning', atMs: deps.clock.nowMs(),
      });
    },
    async update(id, input) {
      const current = await get(id);
      const changes: { -readonly [K in keyof ChannelChanges]: ChannelChanges[K] } = {};
      if (input.name !== undefined) changes.name = nameOf(input.name);
      if (input.isEnabled !== undefined) changes.isEnabled = input.isEnabled;
      if (input.minSeverity !== undefined) changes.minSeverity = input.minSeverity;
      const target = changedTarget(current.target, input);
      if (target !== undefined) changes.target = target;
      return deps.store.updateChannel(id, changes);
    },
    remove(id) {
      return deps.store.deleteChannel(id);
    },
  };
}
