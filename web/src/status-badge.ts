// Small coloured labels for states and verdicts; the text carries the meaning, colour only repeats it.
import { el } from './dom-builder.js';

export type BadgeTone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';

const TONE_BY_VALUE: Readonly<Record<string, BadgeTone>> = {
  online: 'good',
  offline: 'bad',
  'never-seen': 'neutral',
  queued: 'info',
  delivered: 'warn',
  answered: 'good',
  expired: 'bad',
  cancelled: 'neutral',
  valid: 'good',
  'not-checked': 'neutral',
  missing: 'warn',
  malformed: 'bad',
  invalid: 'bad',
  mismatch: 'bad',
  disabled: 'bad',
};

export function badge(text: string, tone: BadgeTone = TONE_BY_VALUE[text] ?? 'neutral', title?: string): HTMLSpanElement {
  return el('span', { class: `badge badge-${tone}`, title }, text);
}

/** A badge for an HTTP status: 2xx good, 4xx warn, 5xx bad. */
export function httpStatusBadge(status: number | null): HTMLSpanElement {
  if (status === null) return badge('no answer', 'neutral');
  const tone: BadgeTone = status < 300 ? 'good' : status < 500 ? 'warn' : 'bad';
  return badge(String(status), tone);
}
