// Which queued message an upstream OKM answers (PROTOCOL.md A5): the one definition both stores apply in
// SQL, with these values bound as statement parameters (storage/rule-sql/answer-match-sql.ts). Whether an
// OKM may be an answer at all is push-ingest.ts's isAnswerCandidate.

import type { MessageState } from './message-store.js';

/**
 * A message waits for its answer once delivered. One still `queued` that a /pull response already carried
 * (at least `minQueuedDeliveries` times) waits too: the device can answer before the server has seen that
 * response's 'finish', and an answer proves delivery. Among the messages that match the OKM (same CWM, the
 * OKM's `_id`, sent to the OKM's origin), the newest is answered.
 */
export const ANSWER_MATCH_RULE = {
  awaitingState: 'delivered',
  queuedState: 'queued',
  minQueuedDeliveries: 1,
} as const satisfies { awaitingState: MessageState; queuedState: MessageState; minQueuedDeliveries: number };

