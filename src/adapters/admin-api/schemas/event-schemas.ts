// GET /api/v1/events: the Server-Sent Events the console listens to, and the data of each (docs/api.md "Live events").

import { Type } from '@sinclair/typebox';
import { IsoTime, JsonObject } from './common-schemas.js';

export const DeviceSeenEventSchema = Type.Object({ deviceId: Type.String(), at: IsoTime() });

export const TelemetryEventSchema = Type.Object({ cwmId: Type.String(), originId: Type.String(), at: IsoTime(), fields: JsonObject() });

// message-state events carry a MessageSchema (message-schemas.ts); alert events an AlertSchema (alert-schemas.ts).

export const EventStreamSchema = Type.String({
  description: 'text/event-stream: `device-seen` {deviceId, at}; `telemetry` {cwmId, originId, at, fields}; `message-state` Message; `alert` Alert (each change: opened, fired, resolved, acknowledged)',
});
