// A site's gateway MAC (`gwmac`, PROTOCOL.md A and the vSAP page [S17]): the MAC of the site's network
// gateway that a CWM reports, which places the CWM at a site. Nothing public says how it is spelled on the
// wire, so the raw text is kept as sent and compared in one normal form: 12 lower-case hex digits.

import { OpenTpsError } from '../../errors.js';

const SEPARATED = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;
const BARE = /^[0-9a-fA-F]{12}$/;

/**
 * The normal form of a MAC (`001a2b3c4d5e`), or null when `raw` is not one: 12 hex digits, bare or with
 * the same `:` or `-` between every pair. Never throws.
 * @example normalizeGatewayMac('00:1A:2B:3C:4D:5E') // '001a2b3c4d5e'
 */
export function normalizeGatewayMac(raw: string): string | null {
  const text = raw.trim();
  if (BARE.test(text)) return text.toLowerCase();
  if (SEPARATED.test(text)) return text.replace(/[:-]/g, '').toLowerCase();
  return null;
}

/** The MAC in its normal form. @throws OpenTpsError ERR_GATEWAY_MAC_INVALID */
export function parseGatewayMac(raw: string): string {
  const mac = normalizeGatewayMac(raw);
  if (mac === null) throw new OpenTpsError('ERR_GATEWAY_MAC_INVALID', JSON.stringify(raw.slice(0, 40)));
  return mac;
}

/** How a normal-form MAC is shown: pairs joined by `:`. */
export function formatGatewayMac(mac: string): string {
  return mac.match(/../g)?.join(':') ?? mac;
}
