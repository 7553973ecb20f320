// Which events a destination takes (issue 17: a filter by kinds, models, sites, tags). Each list that is present
// must match; an absent list takes anything. Tags are matched against the tags of the CWM and of the equipment,
// as the caller knows them (a lookup the forwarder keeps for the tags named in its filters).

import type { EventFilter } from './destination.js';
import type { ForwardedEvent } from './forwarded-event.js';

export interface CompiledEventFilter {
  /** `tagsOf` answers the tags of a CWM or equipment id (only the tags the filter names need to be known). */
  matches(event: ForwardedEvent, tagsOf: (deviceId: string) => readonly string[]): boolean;
  /** The tags this filter reads, for the lookup (empty: no tag condition). */
  readonly tags: readonly string[];
}

export function compileEventFilter(filter: EventFilter): CompiledEventFilter {
  const kinds = new Set<string>(filter.kinds);
  const models = filter.modelIds === undefined ? null : new Set(filter.modelIds.map((id) => id.toLowerCase()));
  const sites = filter.siteIds === undefined ? null : new Set(filter.siteIds);
  const tags = filter.tags === undefined ? null : new Set(filter.tags);
  return {
    tags: tags === null ? [] : [...tags],
    matches(event, tagsOf) {
      if (!kinds.has(event.kind)) return false;
      if (models !== null && (event.modelId === null || !models.has(event.modelId))) return false;
      if (sites !== null && (event.siteId === null || !sites.has(event.siteId))) return false;
      if (tags === null) return true;
      const carried = event.deviceId === event.cwmId ? tagsOf(event.cwmId) : [...tagsOf(event.deviceId), ...tagsOf(event.cwmId)];
      return carried.some((tag) => tags.has(tag));
    },
  };
}
