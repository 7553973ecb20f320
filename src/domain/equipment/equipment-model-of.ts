// Which model an origin's values are read with: the CWM's own heartbeat dictionary when the origin is the
// CWM itself, else the MODEL_ID at the start of a 16-hex-digit origin id (equipment-id.ts).

import { parseEquipmentId } from '../equipment-model/equipment-id.js';
import { CWM_MODEL_ID } from './equipment-query.js';

/** The model id the values of `originId` behind `cwmId` are decoded with; null when the id names none. */
export function modelIdOfOrigin(originId: string, cwmId: string): string | null {
  if (originId === cwmId) return CWM_MODEL_ID;
  return parseEquipmentId(originId)?.modelId ?? null;
}
