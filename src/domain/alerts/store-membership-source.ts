// The members of site and tag scopes read from the store's paged fleet and equipment queries (the same filters
// the console uses, on indexes), so loading a scope costs its members.

import type { FleetReadStore } from '../device-store.js';
import type { EquipmentStore } from '../equipment/equipment-store.js';
import type { EquipmentQuery } from '../equipment/equipment-query.js';
import type { DeviceQuery } from '../device-query.js';
import type { Clock } from '../clock.js';
import type { MembershipSource } from './scope-membership.js';

const PAGE = 1000;

export function createStoreMembershipSource(store: Pick<FleetReadStore, 'queryDevices'> & Pick<EquipmentStore, 'queryEquipment'>, clock: Clock): MembershipSource {
  const devices = async (filter: Pick<DeviceQuery, 'siteId' | 'tag'>): Promise<string[]> => {
    const ids: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.queryDevices({ search: null, status: null, sort: 'id', order: 'asc', limit: PAGE, offset, ...filter }, clock.nowMs());
      ids.push(...page.items.map((device) => device.id));
      if (offset + PAGE >= page.total || page.items.length === 0) return ids;
    }
  };
  const equipment = async (filter: Partial<Pick<EquipmentQuery, 'siteId' | 'tag'>>): Promise<string[]> => {
    const ids: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.queryEquipment({ search: null, modelId: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: PAGE, offset, siteId: filter.siteId ?? null, tag: filter.tag ?? null }, clock.nowMs());
      ids.push(...page.items.map((item) => item.id));
      if (offset + PAGE >= page.total || page.items.length === 0) return ids;
    }
  };
  return {
    devicesAtSite: async (siteId) => [...(await devices({ siteId })), ...(await equipment({ siteId }))],
    devicesTagged: async (tag) => [...(await devices({ tag })), ...(await equipment({ tag }))],
  };
}
