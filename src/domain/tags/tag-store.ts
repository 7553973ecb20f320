// The storage port for tags on devices and equipment (tag-name.ts).

import type { TagTargetKind } from './tag-name.js';

export interface TagStore {
  /** Replaces the tags of one target (already parsed: parseTags). */
  setTags(kind: TagTargetKind, targetId: string, tags: readonly string[]): Promise<void>;
  /** The tags of each target asked for that has any, sorted. */
  readTags(kind: TagTargetKind, targetIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Every tag in use on targets of this kind, with how many targets carry it, by tag. */
  countTags(kind: TagTargetKind): Promise<Array<{ tag: string; count: number }>>;
}
