// The URL the start-up line shows an operator: a wildcard address (0.0.0.0, ::) is shown as localhost, an
// IPv6 address in brackets, with the port actually bound (--port 0 picks one).

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  readonly isTls: boolean;
}

export function formatDisplayUrl(address: ListenAddress): string {
  const shownHost = address.host === '0.0.0.0' || address.host === '::' ? 'localhost' : address.host;
  return `${address.isTls ? 'https' : 'http'}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;
}
