// Keeps signatures out of plain logs: `sha256hmac` values in URLs are replaced before logging.

const SIGNATURE_PARAM = /([?&]sha256hmac=)[^&]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SIGNATURE_PARAM, '$1[redacted]');
}
