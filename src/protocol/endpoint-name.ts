// The value an operator types into a CWM's custom endpoint (provision, push, pull): a bare DNS name or
// IP address, nothing else (seed document, "CWM2 Configuration"; PROTOCOL.md Part B 3.1). The CWM adds
// https:// and port 443 itself, so any decoration makes it call a host that does not exist.

/** Why a value is refused, one reason per kind of mistake the vendor lists (and a few more). */
export type EndpointProblem =
  | 'empty'
  | 'has-scheme'
  | 'has-path'
  | 'has-query'
  | 'has-fragment'
  | 'has-credentials'
  | 'has-port'
  | 'has-whitespace'
  | 'too-long'
  | 'bad-characters'
  | 'bad-label'
  | 'bad-ip';

export type EndpointCheck =
  | { readonly isValid: true; readonly value: string; readonly kind: 'dns' | 'ipv4' | 'ipv6' }
  | { readonly isValid: false; readonly problem: EndpointProblem; readonly reason: string; readonly suggestion: string | null };

/** The CWM stores at least 64 characters per endpoint (Part B 3.1); longer names may be cut. */
export const MAX_ENDPOINT_LENGTH = 64;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function refuse(problem: EndpointProblem, reason: string, suggestion: string | null): EndpointCheck {
  return { isValid: false, problem, reason, suggestion: suggestion !== null && suggestion !== '' ? suggestion : null };
}

/** The host part of a decorated value, offered as the fix ("https://tps.example.com/x" -> "tps.example.com"). */
function bareHostOf(value: string): string {
  let rest = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  rest = rest.split(/[/?#]/, 1)[0] ?? '';
  rest = rest.includes('@') ? rest.slice(rest.lastIndexOf('@') + 1) : rest;
  if (rest.startsWith('[')) return rest.slice(1, rest.indexOf(']') > 0 ? rest.indexOf(']') : undefined);
  return /^[^:]+:\d*$/.test(rest) ? rest.slice(0, rest.indexOf(':')) : rest;
}

function isIpv6(value: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(value) || !value.includes(':')) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const last = groups.at(-1) ?? '';
  const hasIpv4Tail = last.includes('.');
  if (hasIpv4Tail && !IPV4.test(last)) return false;
  const hexGroups = hasIpv4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
  const width = hexGroups.length + (hasIpv4Tail ? 2 : 0);
  return halves.length === 2 ? width < 8 : width === 8;
}

/**
 * Checks one custom-endpoint value, and says why it is refused.
 * @example
 * checkEndpointName('tps.mycompany.com')          // { isValid: true, kind: 'dns', ... }
 * checkEndpointName('https://tps.mycompany.com')  // { isValid: false, problem: 'has-scheme', suggestion: 'tps.mycompany.com', ... }
 */
export function checkEndpointName(raw: string): EndpointCheck {
  const value = raw;
  if (value.trim() === '') return refuse('empty', 'the endpoint is empty: enter the DNS name or IP address of this server', null);
  const suggestion = bareHostOf(value.trim());
  if (/\s/.test(value)) return refuse('has-whitespace', 'the endpoint contains spaces or line breaks; enter the name alone', suggestion);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return refuse('has-scheme', `remove "${value.slice(0, value.indexOf('://') + 3)}": the CWM always uses HTTPS on port 443 and adds it itself`, suggestion);
  }
  if (value.includes('/')) return refuse('has-path', 'remove the path ("/..."): the CWM calls /provision, /push and /pull on the bare host itself', suggestion);
  if (value.includes('?')) return refuse('has-query', 'remove the query string ("?..."): the endpoint takes no arguments', suggestion);
  if (value.includes('#')) return refuse('has-fragment', 'remove the "#..." part: the endpoint is a host name only', suggestion);
  if (value.includes('@')) return refuse('has-credentials', 'remove the "user@" part: the endpoint takes no credentials', suggestion);
  if (value.startsWith('[')) {
    return refuse('has-port', 'remove the brackets (and any port): an IPv6 address is entered bare, and the CWM always uses port 443', suggestion);
  }
  if (isIpv6(value)) return { isValid: true, value, kind: 'ipv6' };
  if (/^[^:]+:\d*$/.test(value)) {
    return refuse('has-port', `remove ":${value.slice(value.indexOf(':') + 1)}": the CWM always connects to port 443, so serve (or forward) 443`, suggestion);
  }
  if (value.length > MAX_ENDPOINT_LENGTH) {
    return refuse('too-long', `the endpoint is ${value.length} characters; the CWM holds at most ${MAX_ENDPOINT_LENGTH}`, null);
  }
  if (/^[\d.]+$/.test(value)) {
    return IPV4.test(value) ? { isValid: true, value, kind: 'ipv4' } : refuse('bad-ip', 'not a valid IPv4 address (four numbers 0-255 separated by dots)', null);
  }
  if (value.includes(':')) return refuse('bad-ip', 'not a valid IPv6 address', null);
  if (!/^[a-z0-9.-]+$/i.test(value)) {
    return refuse('bad-characters', 'a DNS name has only letters a-z, digits, "-" and "." (use the punycode xn-- form for other letters)', null);
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const badLabel = name.split('.').find((label) => !LABEL.test(label));
  if (badLabel !== undefined) {
    return refuse('bad-label', badLabel === '' ? 'a DNS name has no empty parts ("..", or a leading dot)' : `"${badLabel}" is not a valid DNS label (1-63 letters, digits or "-", not starting or ending with "-")`, null);
  }
  return { isValid: true, value, kind: 'dns' };
}
