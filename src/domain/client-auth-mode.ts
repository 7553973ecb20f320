// Which device paths need a client certificate from our CA (mutual TLS, PROTOCOL.md Part B 3.3):
// `provision` (the default once a CA exists) only /provision and below, `all` every device path.

export const CLIENT_AUTH_SETTINGS = ['auto', 'none', 'provision', 'all'] as const;
/** `auto`: `provision` when a CA exists, else `none`. */
export type ClientAuthSetting = (typeof CLIENT_AUTH_SETTINGS)[number];
export type ClientAuthMode = Exclude<ClientAuthSetting, 'auto'>;

export function effectiveClientAuthMode(setting: ClientAuthSetting, hasCa: boolean): ClientAuthMode {
  if (setting !== 'auto') return setting;
  return hasCa ? 'provision' : 'none';
}

/** `path` is the request path without the query. */
export function isClientCertificateRequired(mode: ClientAuthMode, path: string): boolean {
  if (mode === 'none') return false;
  if (mode === 'all') return true;
  return path === '/provision' || path.startsWith('/provision/');
}
