// Answer matching (domain/answer-matching.ts) as the one statement both backends run: the newest message
// awaiting an answer that the OKM matches is marked answered, its result and answer OKM kept. The rule's
// values are bound parameters; each backend gives its own placeholders.

import { ANSWER_MATCH_RULE } from '../../../domain/answer-matching.js';

/** The statement's placeholders, each in the backend's own spelling (casts included). */
export interface AnswerPlaceholders {
  /** The answer's receive time. */
  readonly at: string;
  /** The answer's `_pld`, as JSON text. */
  readonly result: string;
  /** The stored answer OKM's row id. */
  readonly okm: string;
  readonly cwmId: string;
  /** The OKM `_id` the message was sent with. */
  readonly okmId: string;
  /** The OKM's origin, the device the message was sent to. */
  readonly targetId: string;
  readonly awaitingState: string;
  readonly queuedState: string;
  readonly minQueuedDeliveries: string;
}

/** The rule's values to bind under the placeholders of the same names. */
export const ANSWER_RULE_PARAMS = {
  awaitingState: ANSWER_MATCH_RULE.awaitingState,
  queuedState: ANSWER_MATCH_RULE.queuedState,
  minQueuedDeliveries: ANSWER_MATCH_RULE.minQueuedDeliveries,
} as const;

/**
 * UPDATE ... RETURNING id of the answered message (no row: nothing matched). The rule is tested again on
 * the row the UPDATE takes, so that where writers run at once (PostgreSQL) it holds on the row as locked.
 */
export function answerMessageSql(p: AnswerPlaceholders): string {
  const isAwaiting = `(state = ${p.awaitingState} OR (state = ${p.queuedState} AND delivery_count >= ${p.minQueuedDeliveries}))`;
  return `UPDATE messages SET state = 'answered', answered_at = ${p.at}, result = ${p.result}, answer_okm = ${p.okm}, ended_at = ${p.at},
      lease_until = NULL, delivered_at = coalesce(delivered_at, ${p.at})
    WHERE id = (SELECT id FROM messages WHERE cwm_id = ${p.cwmId} AND okm_id = ${p.okmId} AND target_id = ${p.targetId} AND ${isAwaiting}
                ORDER BY id DESC LIMIT 1)
      AND ${isAwaiting}
    RETURNING id`;
}
