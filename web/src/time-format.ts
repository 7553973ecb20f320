// Formats API timestamps (ISO-8601 UTC) for people: local wall time plus how long ago.

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTimestamp(iso: string | null): string {
  if (iso === null) return '-';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for null. */
export function formatAge(iso: string | null, nowMs: number = Date.now()): string {
  if (iso === null) return 'never';
  const thenMs = new Date(iso).getTime();
  if (Number.isNaN(thenMs)) return iso;
  const ageS = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (ageS < 60) return `${ageS} s ago`;
  if (ageS < 3600) return `${Math.floor(ageS / 60)} min ago`;
  if (ageS < 86_400) return `${Math.floor(ageS / 3600)} h ago`;
  return `${Math.floor(ageS / 86_400)} d ago`;
}

/** A `<time>`-friendly pair: the machine value and its readable text with the age. */
export function describeMoment(iso: string | null): { readonly text: string; readonly title: string } {
  return { text: formatAge(iso), title: iso === null ? 'never' : formatTimestamp(iso) };
}
