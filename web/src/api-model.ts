// The typed shapes of the admin REST API v1 as the console uses them: the server's own response schemas
// (src/adapters/admin-api/schemas/), so a server change that breaks the console fails `npm run typecheck`.
import type { Static } from '@sinclair/typebox';
import type { DeviceDetailSchema, DevicePageSchema, DeviceSchema, CreatedDeviceSchema, DiagnosticsSchema, OriginStateSchema } from '../../src/adapters/admin-api/schemas/device-schemas.js';
import { DEVICE_STATUS_VALUES } from '../../src/adapters/admin-api/schemas/device-schemas.js';
import type { DeviceSeenEventSchema, TelemetryEventSchema } from '../../src/adapters/admin-api/schemas/event-schemas.js';
import type { FleetProblemSchema, FleetSummarySchema } from '../../src/adapters/admin-api/schemas/fleet-schemas.js';
import type { MessageSchema, NewMessageBody, MESSAGE_CMD_VALUES, MESSAGE_STATE_VALUES } from '../../src/adapters/admin-api/schemas/message-schemas.js';
import type { DeviceSeriesSchema, OriginFieldsSchema, SeriesPointSchema } from '../../src/adapters/admin-api/schemas/telemetry-schemas.js';
import type { TrafficEntrySchema } from '../../src/adapters/admin-api/schemas/traffic-schemas.js';
import type { DecodedValueSchema } from '../../src/adapters/admin-api/schemas/decoded-value-schemas.js';
import type { EquipmentDetailSchema, EquipmentListingSchema, EquipmentPageSchema } from '../../src/adapters/admin-api/schemas/equipment-schemas.js';
import { EQUIPMENT_STATUS_VALUES } from '../../src/adapters/admin-api/schemas/equipment-schemas.js';
import type { ModelCheckSchema, ModelListSchema, ModelMismatchesSchema, ModelVersionsSchema, StoredModelSchema } from '../../src/adapters/admin-api/schemas/model-schemas.js';
import type {
  AlertBadgesSchema, AlertCountsSchema, AlertPageSchema, AlertRuleRecordSchema, AlertSchema, ChannelSchema, CreatedChannelSchema, NewChannelBody, NewSilenceBody, NotificationPageSchema,
  NotificationSchema, RulePreviewSchema, SilenceSchema,
} from '../../src/adapters/admin-api/schemas/alert-schemas.js';
import type { AlertRuleSchema } from '../../src/domain/alerts/alert-rule.js';
import type { PlacementSchema, SitePageSchema, SiteSchema, TagCountsSchema } from '../../src/adapters/admin-api/schemas/site-schemas.js';

export type DeviceStatus = (typeof DEVICE_STATUS_VALUES)[number];
export const DEVICE_STATUSES: readonly DeviceStatus[] = DEVICE_STATUS_VALUES;

export type MessageState = (typeof MESSAGE_STATE_VALUES)[number];
export type MessageCmd = (typeof MESSAGE_CMD_VALUES)[number];

/** The operator logged in, and the token every state change sends back (x-csrf-token). */
export interface Session {
  readonly operatorName: string;
  readonly csrfToken: string;
}

export type Device = Static<typeof DeviceSchema>;
export type DevicePage = Static<typeof DevicePageSchema>;
export type CreatedDevice = Static<typeof CreatedDeviceSchema>;
/** The latest heartbeat of one origin: the CWM itself or one OKE behind it. */
export type OriginState = Static<typeof OriginStateSchema>;
/** The CWM's diagnostics members as its heartbeat sent them (device/cwm-diagnostics.ts reads them). */
export type Diagnostics = Static<typeof DiagnosticsSchema>;
export type DeviceDetail = Static<typeof DeviceDetailSchema>;
export type FleetSummary = Static<typeof FleetSummarySchema>;
export type PushesInMinute = FleetSummary['pushesPerMinute'][number];
export type FleetProblem = Static<typeof FleetProblemSchema>;
export type OriginFields = Static<typeof OriginFieldsSchema>['origins'][number];
export type TelemetryBucket = Static<typeof SeriesPointSchema>;
export type TelemetrySeries = Static<typeof DeviceSeriesSchema>;
export type Message = Static<typeof MessageSchema>;
export type NewMessage = Static<typeof NewMessageBody>;
export type TrafficEntry = Static<typeof TrafficEntrySchema>;
export type DeviceSeenEvent = Static<typeof DeviceSeenEventSchema>;
export type TelemetryEvent = Static<typeof TelemetryEventSchema>;

// Issue 15: equipment, models and sites.
export type DecodedValue = Static<typeof DecodedValueSchema>;
export type EquipmentListing = Static<typeof EquipmentListingSchema>;
export type EquipmentPage = Static<typeof EquipmentPageSchema>;
export type EquipmentDetail = Static<typeof EquipmentDetailSchema>;
export type EquipmentStatus = (typeof EQUIPMENT_STATUS_VALUES)[number];
export const EQUIPMENT_STATUSES: readonly EquipmentStatus[] = EQUIPMENT_STATUS_VALUES;
export type ModelSummary = Static<typeof ModelListSchema>['items'][number];
export type StoredModel = Static<typeof StoredModelSchema>;
export type ModelVersion = Static<typeof ModelVersionsSchema>['items'][number];
export type ModelMismatch = Static<typeof ModelMismatchesSchema>['items'][number];
export type ModelCheck = Static<typeof ModelCheckSchema>;
export type Site = Static<typeof SiteSchema>;
export type SitePage = Static<typeof SitePageSchema>;
export type Placement = Static<typeof PlacementSchema>;
export type TagCount = Static<typeof TagCountsSchema>['items'][number];

// Issue 16: alerts, alert rules, silences and notification channels.
export type AlertRuleRecord = Static<typeof AlertRuleRecordSchema>;
/** A rule as the editor sends it (the body of POST/PUT /alert-rules and of the preview). */
export type AlertRuleInput = Static<typeof AlertRuleSchema>;
export type AlertScope = AlertRuleInput['scope'];
export type AlertCondition = AlertRuleInput['condition'];
export type AlertSeverity = AlertRuleInput['severity'];
export type RulePreview = Static<typeof RulePreviewSchema>;
export type Alert = Static<typeof AlertSchema>;
export type AlertPage = Static<typeof AlertPageSchema>;
export type AlertState = Alert['state'];
export type AlertCounts = Static<typeof AlertCountsSchema>;
export type AlertBadge = Static<typeof AlertBadgesSchema>['items'][number];
export type Silence = Static<typeof SilenceSchema>;
export type NewSilence = Static<typeof NewSilenceBody>;
export type Channel = Static<typeof ChannelSchema>;
export type CreatedChannel = Static<typeof CreatedChannelSchema>;
export type NewChannel = Static<typeof NewChannelBody>;
export type Notification = Static<typeof NotificationSchema>;
export type NotificationPage = Static<typeof NotificationPageSchema>;
