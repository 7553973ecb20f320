// Which devices a site, tag or device-list scope takes, held in memory for the push path (issue 16: no query per
// push). Loaded for the scopes of the loaded rules only, so its size follows what the rules name, not the fleet;
// reloaded with the rules and on a timer (a CWM placed at a site by another node is taken within that period).

import type { AlertScope } from './alert-rule.js';

/** Where members come from: the store's paged reads of CWMs and equipment by site or tag. */
export interface MembershipSource {
  /** CWMs at the site and the equipment behind them. */
  devicesAtSite(siteId: number): Promise<string[]>;
  /** CWMs and equipment carrying the tag. */
  devicesTagged(tag: string): Promise<string[]>;
}

export interface ScopeMembers {
  /** The device ids (CWMs and equipment) a scope takes; empty for `all` and `model`, which need no list. */
  deviceIdsOf(scope: AlertScope): ReadonlySet<string>;
}

const EMPTY: ReadonlySet<string> = new Set();

function keyOf(scope: AlertScope): string | null {
  if (scope.kind === 'site') return `site:${scope.siteId}`;
  if (scope.kind === 'tag') return `tag:${scope.tag}`;
  return null;
}

/** Loads the members of every site and tag scope among `scopes`; device lists are their own members. */
export async function loadScopeMembers(scopes: readonly AlertScope[], source: MembershipSource): Promise<ScopeMembers> {
  const loaded = new Map<string, ReadonlySet<string>>();
  for (const scope of scopes) {
    const key = keyOf(scope);
    if (key === null || loaded.has(key)) continue;
    if (scope.kind === 'site') loaded.set(key, new Set(await source.devicesAtSite(scope.siteId)));
    if (scope.kind === 'tag') loaded.set(key, new Set(await source.devicesTagged(scope.tag)));
  }
  const lists = new WeakMap<AlertScope, ReadonlySet<string>>();
  return {
    deviceIdsOf(scope) {
      if (scope.kind === 'devices') {
        let ids = lists.get(scope);
        if (ids === undefined) {
          ids = new Set(scope.deviceIds);
          lists.set(scope, ids);
        }
        return ids;
      }
      const key = keyOf(scope);
      return key === null ? EMPTY : (loaded.get(key) ?? EMPTY);
    },
  };
}
