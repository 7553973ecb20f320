// The MQTT topic of each forwarded event (issue 17: "topic template such as opentps/{site}/{model}/{deviceId}/{kind}"),
// checked when a destination is saved and rendered per event. A value that could change a topic's meaning is
// escaped: `/` would add a level, `+` and `#` are wildcards a publisher must not send (MQTT 3.1.1 4.7.1), and a
// NUL is not allowed in a topic at all; so are empty levels from an empty value, which read as `a//b`.

import { OpenTpsError } from '../../errors.js';
import type { ForwardedEvent } from './forwarded-event.js';

export const TOPIC_PLACEHOLDERS = ['site', 'model', 'deviceId', 'cwmId', 'kind'] as const;
export type TopicPlaceholder = (typeof TOPIC_PLACEHOLDERS)[number];

/** MQTT allows 65,535 bytes; brokers commonly cap far lower, and so do we. */
export const MAX_TOPIC_TEMPLATE_CHARS = 512;

export interface TopicTemplate {
  readonly text: string;
  render(event: ForwardedEvent): string;
}

type Piece = { readonly literal: string } | { readonly placeholder: TopicPlaceholder };

function isPlaceholder(name: string): name is TopicPlaceholder {
  return (TOPIC_PLACEHOLDERS as readonly string[]).includes(name);
}

function invalid(problem: string): OpenTpsError {
  return new OpenTpsError('ERR_DESTINATION_INVALID', `topicTemplate: ${problem}`);
}

/** One value as one topic level: `/`, `+`, `#`, `%` and control characters percent-encoded; empty reads `-`. */
export function topicLevelOf(value: string): string {
  if (value === '') return '-';
  return value.replace(/[/+#%\u0000-\u001f\u007f]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function valueOf(placeholder: TopicPlaceholder, event: ForwardedEvent): string {
  switch (placeholder) {
    case 'site':
      return event.siteId === null ? 'no-site' : String(event.siteId);
    case 'model':
      return event.modelId ?? 'no-model';
    case 'deviceId':
      return event.deviceId;
    case 'cwmId':
      return event.cwmId;
    case 'kind':
      return event.kind;
  }
}

/** @throws OpenTpsError ERR_DESTINATION_INVALID naming what is wrong with the template */
export function parseTopicTemplate(text: string): TopicTemplate {
  if (text.length === 0 || text.length > MAX_TOPIC_TEMPLATE_CHARS) throw invalid(`1 to ${MAX_TOPIC_TEMPLATE_CHARS} characters`);
  if (/[+#\u0000]/.test(text)) throw invalid('must not contain the wildcards + or # (or NUL): a publisher names one topic');
  if (text.startsWith('$')) throw invalid('topics starting with $ are the broker\'s own');
  const pieces: Piece[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let last = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const name = match[1] ?? '';
    if (!isPlaceholder(name)) throw invalid(`unknown placeholder {${name}}; known: ${TOPIC_PLACEHOLDERS.map((known) => `{${known}}`).join(', ')}`);
    if (match.index > last) pieces.push({ literal: text.slice(last, match.index) });
    pieces.push({ placeholder: name });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ literal: text.slice(last) });
  const literalText = pieces.map((piece) => ('literal' in piece ? piece.literal : 'x')).join('');
  if (/[{}]/.test(literalText)) throw invalid('a { or } that is not part of a {placeholder}');
  if (literalText.split('/').some((level) => level === '')) throw invalid('an empty level (a leading, trailing or doubled /)');
  return {
    text,
    render: (event) => pieces.map((piece) => ('literal' in piece ? piece.literal : topicLevelOf(valueOf(piece.placeholder, event)))).join(''),
  };
}
