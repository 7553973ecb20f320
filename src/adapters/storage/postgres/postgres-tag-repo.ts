// Tags on devices and equipment in the PostgreSQL store (domain/tags/tag-store.ts): one row per tag and
// target, found by tag (the primary key, for filters) or by target (tags_by_target, to show them).

import type { TagStore } from '../../../domain/tags/tag-store.js';
import type { PostgresDatabase } from './postgres-database.js';

export function createPostgresTagRepo(db: PostgresDatabase): TagStore {
  return {
    async setTags(kind, targetId, tags) {
      // One transaction: a reader sees the old tags or the new ones, never a mix.
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM tags WHERE kind = $1 AND target_id = $2', [kind, targetId]);
        if (tags.length > 0) {
          await tx.query('INSERT INTO tags (kind, tag, target_id) SELECT $1, t, $2 FROM unnest($3::text[]) AS t ON CONFLICT DO NOTHING', [kind, targetId, tags]);
        }
      });
    },
    async readTags(kind, targetIds) {
      const tags = new Map<string, string[]>();
      if (targetIds.length === 0) return tags;
      const { rows } = await db.read.query<{ target_id: string; tag: string }>(
        'SELECT target_id, tag FROM tags WHERE kind = $1 AND target_id = ANY($2::text[]) ORDER BY target_id, tag',
        [kind, targetIds],
      );
      for (const row of rows) tags.set(row.target_id, [...(tags.get(row.target_id) ?? []), row.tag]);
      return tags;
    },
    async countTags(kind) {
      const { rows } = await db.read.query<{ tag: string; n: number }>('SELECT tag, count(*) AS n FROM tags WHERE kind = $1 GROUP BY tag ORDER BY tag', [kind]);
      return rows.map((row) => ({ tag: row.tag, count: Number(row.n) }));
    },
  };
}
