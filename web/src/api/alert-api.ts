// Alerts, alert rules, silences and notification channels (docs/api.md "Alerts"): every answer checked against
// the server's schemas.
import { NoContent } from '../../../src/adapters/admin-api/schemas/common-schemas.js';
import {
  AlertBadgesSchema, AlertCountsSchema, AlertPageSchema, AlertRuleListSchema, AlertRuleRecordSchema, AlertSchema, ChannelListSchema, ChannelSchema, CreatedChannelSchema,
  NotificationPageSchema, NotificationSchema, RulePreviewSchema, SilenceListSchema, SilenceSchema,
} from '../../../src/adapters/admin-api/schemas/alert-schemas.js';
import type { CheckedRequest } from '../api-client.js';
import type {
  Alert, AlertBadge, AlertCounts, AlertPage, AlertRuleInput, AlertRuleRecord, AlertState, Channel, CreatedChannel, NewChannel, NewSilence, NotificationPage, RulePreview, Silence,
} from '../api-model.js';

/** At most this many ids per badge request (the server's limit). */
export const MAX_BADGE_IDS = 500;

export interface AlertFilter {
  readonly states: readonly AlertState[];
  readonly deviceId: string | null;
  readonly limit: number;
  readonly offset: number;
}

export class AlertApi {
  private readonly request: CheckedRequest;

  constructor(request: CheckedRequest) {
    this.request = request;
  }

  async listAlerts(filter: AlertFilter): Promise<AlertPage> {
    const params = new URLSearchParams({ state: filter.states.join(','), limit: String(filter.limit), offset: String(filter.offset) });
    if (filter.deviceId !== null) params.set('deviceId', filter.deviceId);
    return this.request(AlertPageSchema, 'GET', `/alerts?${params.toString()}`);
  }

  async acknowledge(alertId: number, note: string): Promise<Alert> {
    return this.request(AlertSchema, 'POST', `/alerts/${alertId}/acknowledge`, { note });
  }

  async summary(): Promise<AlertCounts> {
    return this.request(AlertCountsSchema, 'GET', '/alerts/summary');
  }

  /** Open alerts of each id (one request for a page of rows); ids without open alerts are absent. */
  async badges(ids: readonly string[]): Promise<Map<string, AlertBadge>> {
    const unique = [...new Set(ids)].slice(0, MAX_BADGE_IDS);
    if (unique.length === 0) return new Map();
    const answer = await this.request(AlertBadgesSchema, 'GET', `/alerts/badges?${new URLSearchParams({ ids: unique.join(',') }).toString()}`);
    return new Map(answer.items.map((item) => [item.deviceId, item]));
  }

  async listRules(): Promise<AlertRuleRecord[]> {
    return (await this.request(AlertRuleListSchema, 'GET', '/alert-rules')).items;
  }

  async saveRule(ruleId: number | null, rule: AlertRuleInput): Promise<AlertRuleRecord> {
    return ruleId === null ? this.request(AlertRuleRecordSchema, 'POST', '/alert-rules', rule) : this.request(AlertRuleRecordSchema, 'PUT', `/alert-rules/${ruleId}`, rule);
  }

  async removeRule(ruleId: number): Promise<void> {
    await this.request(NoContent, 'DELETE', `/alert-rules/${ruleId}`);
  }

  async previewRule(rule: AlertRuleInput, limit = 50): Promise<RulePreview> {
    return this.request(RulePreviewSchema, 'POST', `/alert-rules/preview?limit=${limit}`, rule);
  }

  async listSilences(): Promise<Silence[]> {
    return (await this.request(SilenceListSchema, 'GET', '/silences')).items;
  }

  async addSilence(silence: NewSilence): Promise<Silence> {
    return this.request(SilenceSchema, 'POST', '/silences', silence);
  }

  async removeSilence(silenceId: number): Promise<void> {
    await this.request(NoContent, 'DELETE', `/silences/${silenceId}`);
  }

  async listChannels(): Promise<Channel[]> {
    return (await this.request(ChannelListSchema, 'GET', '/notification-channels')).items;
  }

  async createChannel(channel: NewChannel): Promise<CreatedChannel> {
    return this.request(CreatedChannelSchema, 'POST', '/notification-channels', channel);
  }

  async setChannelEnabled(channelId: number, isEnabled: boolean): Promise<Channel> {
    return this.request(ChannelSchema, 'PATCH', `/notification-channels/${channelId}`, { isEnabled });
  }

  async removeChannel(channelId: number): Promise<void> {
    await this.request(NoContent, 'DELETE', `/notification-channels/${channelId}`);
  }

  /** Queues a test notification; its delivery shows in the channel's notifications. */
  async sendTest(channelId: number): Promise<void> {
    await this.request(NotificationSchema, 'POST', `/notification-channels/${channelId}/test`);
  }

  async listNotifications(channelId: number, limit = 20): Promise<NotificationPage> {
    return this.request(NotificationPageSchema, 'GET', `/notification-channels/${channelId}/notifications?limit=${limit}`);
  }
}
