// How an alert's severity and a row's open alerts look: a badge whose text says it, colour only repeating it.
import type { AlertBadge, AlertSeverity } from '../api-model.js';
import { badge, type BadgeTone } from '../status-badge.js';

const TONE_OF_SEVERITY: Readonly<Record<AlertSeverity, BadgeTone>> = { critical: 'bad', major: 'bad', minor: 'warn', warning: 'info' };

export function severityBadge(severity: AlertSeverity): HTMLSpanElement {
  return badge(severity, TONE_OF_SEVERITY[severity]);
}

/** A row's open alerts ("2 firing"), or null when it has none. */
export function openAlertsBadge(open: AlertBadge | undefined): HTMLSpanElement | null {
  if (open === undefined || open.firing + open.pending === 0) return null;
  const text = open.firing > 0 ? `${open.firing} firing` : `${open.pending} pending`;
  const title = `${open.firing} firing, ${open.pending} pending; worst: ${open.worstSeverity}`;
  const element = badge(text, open.firing > 0 ? TONE_OF_SEVERITY[open.worstSeverity] : 'neutral', title);
  element.classList.add('alert-count');
  return element;
}
