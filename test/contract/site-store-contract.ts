// Contract for sites and placements (SiteStore): unique names and MACs, changes that are all or nothing,
// CWMs placed by the gateway MAC they report unless an operator placed them, the site's time zone in the
// credentials of CWMs without their own, and the fleet table filtered by site and by tag.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewSite } from '../../src/domain/sites/site-store.js';
import type { DeviceQuery } from '../../src/domain/device-query.js';
import { CWM_A, CWM_B, T0, isCode, registerDevice, type ContractContext } from './store-fixtures.js';

const MAC_1 = '001a2b3c4d5e';
const MAC_2 = '001a2b3c4d5f';
const MAC_3 = '00aabbccddee';

function newSite(name: string, overrides: Partial<NewSite> = {}): NewSite {
  return { name, address: null, timeZone: null, gatewayMacs: [], createdAtMs: T0, ...overrides };
}

const DEVICES: DeviceQuery = { search: null, status: null, sort: 'id', order: 'asc', limit: 50, offset: 0 };

export function defineSiteStoreContract(context: ContractContext): void {
  describe('sites', () => {
    test('addSite stores a site with its MACs sorted; names are unique in any case', async () => {
      const site = await context.store.addSite(newSite('Kitchen North', { address: '1 Main St', timeZone: 'Europe/Berlin', gatewayMacs: [MAC_2, MAC_1] }));
      assert.deepEqual(site, { id: site.id, name: 'Kitchen North', address: '1 Main St', timeZone: 'Europe/Berlin', gatewayMacs: [MAC_1, MAC_2], createdAtMs: T0 });
      assert.deepEqual(await context.store.findSite(site.id), { ...site, cwmCount: 0 });
      await assert.rejects(context.store.addSite(newSite('KITCHEN north')), isCode('ERR_SITE_NAME_TAKEN'));
      await assert.rejects(context.store.addSite(newSite('Other', { gatewayMacs: [MAC_3, MAC_1] })), isCode('ERR_GATEWAY_MAC_TAKEN'));
      assert.equal((await context.store.querySites({ search: null, limit: 10, offset: 0 })).total, 1, 'the refused sites left nothing');
      assert.equal(await context.store.findSite(site.id + 1000), null);
    });

    test('an update with a MAC of another site is refused whole: name and MACs stay as they were', async () => {
      const north = await context.store.addSite(newSite('North', { gatewayMacs: [MAC_1] }));
      const south = await context.store.addSite(newSite('South', { gatewayMacs: [MAC_2] }));
      await assert.rejects(context.store.updateSite(south.id, { name: 'South 2', gatewayMacs: [MAC_3, MAC_1] }), isCode('ERR_GATEWAY_MAC_TAKEN'));
      assert.deepEqual(await context.store.findSite(south.id), { ...south, cwmCount: 0 });
      await assert.rejects(context.store.updateSite(south.id, { name: 'north' }), isCode('ERR_SITE_NAME_TAKEN'));
      const renamed = await context.store.updateSite(south.id, { name: 'SOUTH', gatewayMacs: [MAC_3, MAC_2] });
      assert.deepEqual([renamed.name, renamed.gatewayMacs, renamed.address], ['SOUTH', [MAC_2, MAC_3], null]);
      assert.deepEqual((await context.store.findSite(north.id))?.gatewayMacs, [MAC_1]);
      await assert.rejects(context.store.updateSite(south.id + 1000, { name: 'x' }), isCode('ERR_SITE_NOT_FOUND'));
    });

    test('querySites searches name and address in any case, sorts by name in any case, pages and counts CWMs per site', async () => {
      const b = await context.store.addSite(newSite('bakery', { address: 'Harbour Road' }));
      await context.store.addSite(newSite('Airport', { address: null }));
      await context.store.addSite(newSite('Canteen', { address: 'harbour gate' }));
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.assignDeviceSite(CWM_A, b.id);
      await context.store.assignDeviceSite(CWM_B, b.id);
      const all = await context.store.querySites({ search: null, limit: 2, offset: 0 });
      assert.deepEqual([all.items.map((site) => site.name), all.total], [['Airport', 'bakery'], 3]);
      assert.equal(all.items[1]?.cwmCount, 2);
      const harbour = await context.store.querySites({ search: 'HARBOUR', limit: 10, offset: 0 });
      assert.deepEqual([harbour.items.map((site) => site.name), harbour.total], [['bakery', 'Canteen'], 2]);
      assert.deepEqual((await context.store.querySites({ search: 'port', limit: 10, offset: 0 })).items.map((site) => site.name), ['Airport']);
    });

    test('a reported MAC places a CWM at its site; a CWM placed by hand stays until the operator clears it', async () => {
      const north = await context.store.addSite(newSite('North', { gatewayMacs: [MAC_1] }));
      const south = await context.store.addSite(newSite('South', { gatewayMacs: [MAC_2] }));
      await registerDevice(context.store, CWM_A);
      await context.store.recordGatewayMac(CWM_A, '00:1A:2B:3C:4D:5E', MAC_1, T0 + 1);
      assert.deepEqual(await context.store.findDevicePlacement(CWM_A), {
        deviceId: CWM_A, siteId: north.id, assignment: 'gateway', reportedGatewayMac: '00:1A:2B:3C:4D:5E', reportedGatewayMacAtMs: T0 + 1,
      });
      assert.equal((await context.store.findDevice(CWM_A))?.siteId, north.id);
      await context.store.recordGatewayMac(CWM_A, 'garbage', null, T0 + 2);
      assert.deepEqual(await context.store.findDevicePlacement(CWM_A), {
        deviceId: CWM_A, siteId: north.id, assignment: 'gateway', reportedGatewayMac: 'garbage', reportedGatewayMacAtMs: T0 + 2,
      }, 'a MAC of no site leaves the CWM where it is');

      const placed = await context.store.assignDeviceSite(CWM_A, south.id);
      assert.deepEqual([placed.siteId, placed.assignment], [south.id, 'operator']);
      await context.store.recordGatewayMac(CWM_A, MAC_1, MAC_1, T0 + 3);
      assert.deepEqual(await context.store.findDevicePlacement(CWM_A), {
        deviceId: CWM_A, siteId: south.id, assignment: 'operator', reportedGatewayMac: MAC_1, reportedGatewayMacAtMs: T0 + 3,
      }, 'an operator placement is not moved by a MAC');

      const cleared = await context.store.assignDeviceSite(CWM_A, null);
      assert.deepEqual([cleared.siteId, cleared.assignment], [null, null]);
      await context.store.recordGatewayMac(CWM_A, MAC_1, MAC_1, T0 + 4);
      assert.deepEqual([(await context.store.findDevicePlacement(CWM_A))?.siteId, (await context.store.findDevicePlacement(CWM_A))?.assignment], [north.id, 'gateway']);

      await context.store.recordGatewayMac(CWM_B, MAC_1, MAC_1, T0 + 5);
      assert.equal(await context.store.findDevicePlacement(CWM_B), null, 'an unknown device is left unknown');
    });

    test('assignDeviceSite refuses an unknown device or site', async () => {
      const site = await context.store.addSite(newSite('North'));
      await assert.rejects(context.store.assignDeviceSite(CWM_A, site.id), isCode('ERR_DEVICE_NOT_FOUND'));
      await registerDevice(context.store, CWM_A);
      await assert.rejects(context.store.assignDeviceSite(CWM_A, site.id + 1000), isCode('ERR_SITE_NOT_FOUND'));
      assert.equal((await context.store.findDevicePlacement(CWM_A))?.siteId, null);
    });

    test('deleting a site leaves its CWMs at no site and frees its name and MACs', async () => {
      const site = await context.store.addSite(newSite('North', { gatewayMacs: [MAC_1] }));
      await registerDevice(context.store, CWM_A);
      await context.store.recordGatewayMac(CWM_A, MAC_1, MAC_1, T0);
      await context.store.deleteSite(site.id);
      assert.equal(await context.store.findSite(site.id), null);
      assert.deepEqual([(await context.store.findDevicePlacement(CWM_A))?.siteId, (await context.store.findDevicePlacement(CWM_A))?.assignment], [null, null]);
      await assert.rejects(context.store.deleteSite(site.id), isCode('ERR_SITE_NOT_FOUND'));
      const again = await context.store.addSite(newSite('north', { gatewayMacs: [MAC_1] }));
      assert.deepEqual(again.gatewayMacs, [MAC_1]);
    });

    test('credentials carry the site\'s time zone when the device has none, and follow a change of the site or of the placement', async () => {
      const site = await context.store.addSite(newSite('North', { timeZone: 'Europe/Berlin', gatewayMacs: [MAC_1] }));
      await registerDevice(context.store, CWM_A);
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, null, 'read once: now cached');
      await context.store.recordGatewayMac(CWM_A, MAC_1, MAC_1, T0);
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, 'Europe/Berlin');
      await context.store.updateSite(site.id, { timeZone: 'America/New_York' });
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, 'America/New_York');
      await context.store.updateDevice(CWM_A, { timeZone: 'Asia/Tokyo' });
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, 'Asia/Tokyo', 'the device\'s own zone wins');
      await context.store.updateDevice(CWM_A, { timeZone: null });
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, 'America/New_York');
      await context.store.assignDeviceSite(CWM_A, null);
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, null);
      await context.store.assignDeviceSite(CWM_A, site.id);
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, 'America/New_York');
      await context.store.deleteSite(site.id);
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.timeZone, null);
    });

    test('the fleet table filters by site and by device tag, counting what matches', async () => {
      const site = await context.store.addSite(newSite('North'));
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.assignDeviceSite(CWM_B, site.id);
      await context.store.setTags('device', CWM_A, ['pilot']);
      await context.store.setTags('equipment', CWM_B, ['pilot']);
      const atSite = await context.store.queryDevices({ ...DEVICES, siteId: site.id }, T0);
      assert.deepEqual([atSite.items.map((device) => [device.id, device.siteId]), atSite.total], [[[CWM_B, site.id]], 1]);
      const tagged = await context.store.queryDevices({ ...DEVICES, tag: 'pilot' }, T0);
      assert.deepEqual([tagged.items.map((device) => device.id), tagged.total], [[CWM_A], 1], 'an equipment tag is not a device tag');
      assert.equal((await context.store.queryDevices({ ...DEVICES, tag: 'pilot', siteId: site.id }, T0)).total, 0);
      assert.equal((await context.store.queryDevices({ ...DEVICES, siteId: null, tag: null }, T0)).total, 2);
    });
  });
}
