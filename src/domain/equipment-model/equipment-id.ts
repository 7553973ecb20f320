// What an origin id says about its equipment: the model id and the serial (PROTOCOL.md Part B 1.4).
// The protocol layer treats device ids as opaque (src/protocol/device-id.ts: 1 to 64 printable characters),
// because ids of other lengths exist (the pull example's devid has 20 characters). Only an id of exactly 16
// hex digits, as in `036334d0b8df1f05` = model `0363` + serial `34d0b8df1f05`, is read as model + serial;
// any other id is still a valid device, just one whose model is unknown.

/** An origin id read as `_src[0]` = MODEL_ID + serial. */
export interface EquipmentId {
  /** The first 4 hex digits, lower case (the vendor's ids are compared without regard to case). */
  modelId: string;
  /** The remaining 12 hex digits, lower case. */
  serial: string;
}

const EQUIPMENT_ID = /^([0-9a-fA-F]{4})([0-9a-fA-F]{12})$/;
const MODEL_ID = /^[0-9a-fA-F]{4}$/;

/**
 * Splits a 16-hex-digit origin id into model id and serial; null for any other string (never throws).
 * @example parseEquipmentId('036334d0b8df1f05') // { modelId: '0363', serial: '34d0b8df1f05' }
 */
export function parseEquipmentId(originId: string): EquipmentId | null {
  const match = EQUIPMENT_ID.exec(originId);
  if (match === null) return null;
  const [, modelId = '', serial = ''] = match;
  return { modelId: modelId.toLowerCase(), serial: serial.toLowerCase() };
}

/** True when `modelId` is 4 hex digits, the form a MODEL_ID has at the start of an origin id. */
export function isModelId(modelId: string): boolean {
  return MODEL_ID.test(modelId);
}
