// Where a CWM's `gwmac` travels is not public (PROTOCOL.md: "where it sits exactly is [U]"): accepted as a
// query or form parameter and as a member of `req`; the parameter wins when both are there.

/** The raw gateway MAC of a request, or null when it carries none (an empty or non-string value is none). */
export function gatewayMacOfRequest(parameter: string | undefined, envelope: Readonly<Record<string, unknown>>): string | null {
  if (parameter !== undefined && parameter.trim() !== '') return parameter;
  const member = envelope['gwmac'];
  return typeof member === 'string' && member.trim() !== '' ? member : null;
}
