// The storage port for the equipment registry (equipment-query.ts). Records come from the device state each
// stored OKM updates (no write of its own on the push path); a change of CWM is kept as history by the store.

import type { EquipmentDetails, EquipmentPage, EquipmentQuery } from './equipment-query.js';

export interface EquipmentStore {
  /** One page of the registry, filtered, sorted and counted by the store; status as of `nowMs`. */
  queryEquipment(query: EquipmentQuery, nowMs: number): Promise<EquipmentPage>;
  /** One record with its CWM history; null when no OKM carried this origin id. */
  findEquipment(id: string, nowMs: number): Promise<EquipmentDetails | null>;
}
