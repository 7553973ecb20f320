// Equipment status (domain/equipment/equipment-query.ts) as SQL conditions on `device_state ds` joined to
// its CWM's row `devices d`: the CWM's own online rule (device-status.ts) applied to the record's last OKM,
// built from the domain's constants so that the filter and the status shown never disagree.

import type { EquipmentStatus } from '../../../domain/equipment/equipment-query.js';
import { onlineBoundSql } from '../fleet-sql/device-status-sql.js';

/** The CWM's bound; a record whose CWM has no devices row gets the default interval (coalesce). */
const EQUIPMENT_ONLINE_BOUND_MS = onlineBoundSql('d.typical_interval_ms');

/** How the statements join a record to its CWM's row, for the bound and the site. */
export const JOIN_CWM = 'LEFT JOIN devices d ON d.id = ds.cwm_id';

/** True for a record online (or offline) at the instant in parameter `now` (a placeholder). */
export function equipmentStatusCondition(status: EquipmentStatus, now: string): string {
  const comparison = status === 'online' ? '<=' : '>';
  return `(${now} - ds.last_seen_at ${comparison} ${EQUIPMENT_ONLINE_BOUND_MS})`;
}
