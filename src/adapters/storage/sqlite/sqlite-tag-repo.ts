// Tags on devices and equipment in the embedded store (domain/tags/tag-store.ts): one row per tag and
// target, found by tag (the primary key, for filters) or by target (tags_by_target, to show them).

import type { Database } from 'better-sqlite3';
import type { TagStore } from '../../../domain/tags/tag-store.js';
import type { WriteBatcher } from './write-batcher.js';

export function createSqliteTagRepo(db: Database, batcher: WriteBatcher): TagStore {
  const deleteTags = db.prepare('DELETE FROM tags WHERE kind = ? AND target_id = ?');
  const insertTag = db.prepare('INSERT INTO tags (kind, tag, target_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const selectTags = db.prepare<[string, string], { target_id: string; tag: string }>(
    'SELECT target_id, tag FROM tags WHERE kind = ? AND target_id IN (SELECT value FROM json_each(?)) ORDER BY target_id, tag',
  );
  const countTags = db.prepare<[string], { tag: string; n: number }>('SELECT tag, count(*) AS n FROM tags WHERE kind = ? GROUP BY tag ORDER BY tag');

  return {
    setTags(kind, targetId, tags) {
      // Replaced in one batch transaction: a reader sees the old tags or the new ones, never a mix.
      return batcher.run(() => {
        deleteTags.run(kind, targetId);
        for (const tag of tags) insertTag.run(kind, tag, targetId);
      });
    },
    async readTags(kind, targetIds) {
      const tags = new Map<string, string[]>();
      if (targetIds.length === 0) return tags;
      for (const row of selectTags.all(kind, JSON.stringify(targetIds))) tags.set(row.target_id, [...(tags.get(row.target_id) ?? []), row.tag]);
      return tags;
    },
    async countTags(kind) {
      return countTags.all(kind).map((row) => ({ tag: row.tag, count: row.n }));
    },
  };
}
