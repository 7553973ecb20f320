// A forwarding destination (issue 17): where events go (a webhook receiving JSON batches, or an MQTT broker),
// which events (a filter by kind, model, site and tag), and how long a destination may fail before it is marked
// failing. One TypeBox definition for the admin API's validation, the OpenAPI document and the console's form;
// the rules a shape cannot say (a URL's scheme and host, a topic template's placeholders) are in
// destination-validation.ts.

import { Type, type Static } from '@sinclair/typebox';
import { FORWARDED_EVENT_KINDS } from './forwarded-event.js';

export const MAX_BATCH_EVENTS = 1000;
export const MAX_BATCH_AGE_MS = 60_000;

const Name = Type.String({ minLength: 1, maxLength: 100 });
const ModelId = Type.String({ pattern: '^[0-9a-fA-F]{4}$' });
const Tag = Type.String({ pattern: '^[A-Za-z0-9._:/-]{1,64}$' });

export const EventFilterSchema = Type.Object(
  {
    kinds: Type.Array(Type.Union(FORWARDED_EVENT_KINDS.map((kind) => Type.Literal(kind))), { minItems: 1, uniqueItems: true, description: 'the kinds of events to forward' }),
    modelIds: Type.Optional(Type.Array(ModelId, { maxItems: 200, description: 'only events of equipment of these models; absent: any' })),
    siteIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, description: 'only events of CWMs at these sites; absent: any' })),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 100, description: 'only events of CWMs or equipment carrying one of these tags; absent: any' })),
  },
  { additionalProperties: false },
);

export const WebhookDestinationTargetSchema = Type.Object(
  {
    kind: Type.Literal('webhook'),
    url: Type.String({ maxLength: 2000, description: 'https (http only to a loopback host)' }),
    maxBatchEvents: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BATCH_EVENTS, default: 100 })),
    maxBatchAgeMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_BATCH_AGE_MS, default: 1000, description: 'the oldest event of a batch waits at most this long for others' })),
  },
  { additionalProperties: false },
);

export const MqttDestinationTargetSchema = Type.Object(
  {
    kind: Type.Literal('mqtt'),
    url: Type.String({ maxLength: 2000, description: 'mqtts:// or wss:// (mqtt:// and ws:// only to a loopback host)' }),
    protocolVersion: Type.Optional(Type.Union([Type.Literal(4), Type.Literal(5)], { default: 4, description: '4: MQTT 3.1.1; 5: MQTT 5' })),
    username: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Type.String({ maxLength: 500, description: 'stored, never returned' })),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 23, pattern: '^[0-9A-Za-z_-]+$', description: 'default: opentps-<destination id>' })),
    topicTemplate: Type.String({ maxLength: 512, description: 'e.g. opentps/{site}/{model}/{deviceId}/{kind}' }),
  },
  { additionalProperties: false },
);

export const DestinationSchema = Type.Object(
  {
    name: Name,
    target: Type.Union([WebhookDestinationTargetSchema, MqttDestinationTargetSchema]),
    filter: EventFilterSchema,
    isEnabled: Type.Optional(Type.Boolean({ default: true })),
    failingAfterS: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 86_400, default: 3600, description: 'undelivered this long: the destination is marked failing (its backlog is kept)' })),
  },
  { additionalProperties: false, $id: 'https://opentps.dev/schemas/destination.json' },
);

export type EventFilter = Static<typeof EventFilterSchema>;
export type Destination = Static<typeof DestinationSchema>;
export type DestinationTarget = Destination['target'];
