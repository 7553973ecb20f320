// What the rule editor shows before a rule is saved (issue 16: "a preview of which devices a rule would fire on
// now"): the subjects the condition holds for at this moment, read from the store at a cost that follows the
// rule's scope, never the whole fleet unless the scope is the whole fleet (then bounded by `limit` and a scan cap).

import type { AlertRule } from './alert-rule.js';
import type { AlertValue } from './alert-store.js';

export interface PreviewMatch {
  readonly subjectId: string;
  readonly cwmId: string;
  /** The value the condition holds on (a field's decoded value, the seconds offline, a problem count). */
  readonly value: AlertValue;
  readonly summary: string;
}

export interface RulePreview {
  /** At most `limit`, by subject id. */
  readonly matches: readonly PreviewMatch[];
  /** How many subjects of the scope were looked at. */
  readonly scanned: number;
  /** True when the scope had more subjects than the preview looks at (the answer covers the first `scanned`). */
  readonly isTruncated: boolean;
  /** Durations are not waited for: a match here fires once its `forS` has passed. */
  readonly note: string | null;
}

export interface AlertPreviewer {
  /** @throws OpenTpsError ERR_ALERT_RULE_INVALID (the rule is validated first) */
  previewRule(rule: AlertRule, limit: number): Promise<RulePreview>;
}

/** Told when rules change, so the node's evaluation reloads them at once (other nodes reload on their timer). */
export interface AlertRulesListener {
  rulesChanged(): void;
}
