// What a batch of writes gives each caller: its own outcome, so that one failed item fails alone.

import { OpenTpsError } from '../../../errors.js';

export type BatchOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A caller waiting in a batch. */
export interface BatchWaiter<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/** Runs the batch and settles each waiter with its outcome; a batch that throws fails every waiter with that error. */
export async function runAndSettle<I, O>(batch: ReadonlyArray<BatchWaiter<I, O>>, run: (items: readonly I[]) => Promise<Array<BatchOutcome<O>>>): Promise<void> {
  try {
    const outcomes = await run(batch.map((entry) => entry.item));
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) entry.resolve(outcome.value);
      else entry.reject(outcome ? outcome.error : new OpenTpsError('ERR_STORE_FAILED', 'batch returned no outcome'));
    });
  } catch (error) {
    for (const entry of batch) entry.reject(error);
  }
}
