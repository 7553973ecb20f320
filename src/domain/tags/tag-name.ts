// Tags (issue 15): short names on devices (CWMs) and equipment, for grouping (`region:north`, `pilot-2026`);
// alerts and campaigns select by them later.

import { OpenTpsError } from '../../errors.js';

export const TAG_PATTERN = '^[A-Za-z0-9._:/-]{1,64}$';
const TAG = new RegExp(TAG_PATTERN);
export const MAX_TAGS_PER_TARGET = 32;

/** What a tag is on. */
export type TagTargetKind = 'device' | 'equipment';

/** The tags, trimmed, deduplicated and sorted. @throws OpenTpsError ERR_TAG_INVALID */
export function parseTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((tag) => tag.trim()))].sort();
  for (const tag of unique) if (!TAG.test(tag)) throw new OpenTpsError('ERR_TAG_INVALID', JSON.stringify(tag.slice(0, 80)));
  if (unique.length > MAX_TAGS_PER_TARGET) throw new OpenTpsError('ERR_TAG_INVALID', `at most ${MAX_TAGS_PER_TARGET} tags on one device or equipment`);
  return unique;
}
