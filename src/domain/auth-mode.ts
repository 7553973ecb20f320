// Device authentication modes (PROTOCOL.md A3): `hmac` (default) requires a registered device and a
// valid signature; `open` (bring-up only, like the vendor example) lets everything in but flags it.

export const AUTH_MODES = ['hmac', 'open'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
