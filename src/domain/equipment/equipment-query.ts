// The equipment registry as the store answers it (issue 15): every origin seen in an OKM, an OKE or a CWM
// itself, filtered, sorted and paged by the store so that a read costs its page, not the fleet.

export const EQUIPMENT_SORT_KEYS = ['id', 'model', 'lastSeen', 'firstSeen', 'cwm'] as const;
export type EquipmentSortKey = (typeof EQUIPMENT_SORT_KEYS)[number];

/**
 * Online while its CWM's own rule holds for the equipment's last OKM (device-status.ts ONLINE_RULE with the
 * CWM's usual interval): an OKE reports through its CWM, in the CWM's rhythm.
 */
export const EQUIPMENT_STATUSES = ['online', 'offline'] as const;
export type EquipmentStatus = (typeof EQUIPMENT_STATUSES)[number];

/**
 * The model id an equipment record gets when its origin is the CWM itself: the CWM's own heartbeat
 * dictionary (builtin-models.ts). `c000` cannot be an OKE's: ids starting with it are read as CWMs only
 * when the origin is the CWM.
 */
export const CWM_MODEL_ID = 'c000';

export interface EquipmentQuery {
  /** Text found in the id, any case; null: all. */
  readonly search: string | null;
  /** Lower-case 4 hex digits. */
  readonly modelId: string | null;
  readonly siteId: number | null;
  readonly tag: string | null;
  /** The CWM it is behind now. */
  readonly cwmId: string | null;
  readonly status: EquipmentStatus | null;
  /** Ties go by id, in the same order. `model` sorts records without a model first (ascending). */
  readonly sort: EquipmentSortKey;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

export interface EquipmentSummary {
  /** The origin id as sent in `_src[0]`. */
  readonly id: string;
  /** CWM_MODEL_ID for a CWM; the first 4 hex digits (lower case) of a 16-hex-digit id; null otherwise. */
  readonly modelId: string | null;
  /** The rest of a 16-hex-digit id (lower case); null for a CWM or another id. */
  readonly serial: string | null;
  readonly isCwm: boolean;
  /** The CWM it was last seen behind. */
  readonly cwmId: string;
  /** The site of that CWM. */
  readonly siteId: number | null;
  readonly firstSeenAtMs: number;
  readonly lastSeenAtMs: number;
  readonly lastHeartbeatAtMs: number | null;
  readonly status: EquipmentStatus;
  readonly tags: readonly string[];
  /** Every heartbeat field with its latest value, raw, as sent. */
  readonly latestFields: Readonly<Record<string, unknown>>;
}

/** A CWM an equipment was seen behind, from when (the first OKM that came through it then). */
export interface CwmStint {
  readonly cwmId: string;
  readonly sinceMs: number;
}

export interface EquipmentDetails extends EquipmentSummary {
  /** Newest first; the first entry is the current CWM. */
  readonly cwmHistory: readonly CwmStint[];
}

export interface EquipmentPage {
  readonly items: readonly EquipmentSummary[];
  /** Records matching the filters. */
  readonly total: number;
}
