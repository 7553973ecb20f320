// Keeps signatures out of plain logs and traffic listings: `sha256hmac` values in URLs (and form
// bodies given as `?body`) are replaced. A parameter name is compared after decoding it the way the
// server reads it (`sha256%68mac` is the signature too), so no spelling the server accepts slips through.

const SIGNATURE_NAME = 'sha256hmac';

function isSignatureName(encodedName: string): boolean {
  let name = encodedName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not decodable: compared as written (the server refuses such a request anyway).
  }
  return name.toLowerCase() === SIGNATURE_NAME;
}

export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const pairs = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq !== -1 && isSignatureName(pair.slice(0, eq)) ? `${pair.slice(0, eq + 1)}[redacted]` : pair;
    });
  return `${url.slice(0, mark + 1)}${pairs.join('&')}`;
}
