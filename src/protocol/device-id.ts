// Which device an upstream OKM belongs to (PROTOCOL.md A3, Part B 1.4): `_src` is [OKE id, CWM id],
// or a single id when the CWM (or a "Virtual ConnectWare" device) speaks for itself.

/** The CWM whose key signs the request: `_src[1]`, or `_src[0]` when `_src` has one element. */
export function cwmIdFromSource(source: readonly string[]): string {
  return source[1] ?? source[0] ?? '';
}

/** The device that produced the OKM: always `_src[0]` (equal to the CWM id for the CWM's own OKMs). */
export function originIdFromSource(source: readonly string[]): string {
  return source[0] ?? '';
}

/** The CWM a downstream message is delivered to: the one named last in `_dst` (PROTOCOL.md A5). */
export function cwmIdFromDestination(destination: readonly string[]): string {
  return destination[destination.length - 1] ?? '';
}

const DEVICE_ID = /^[!#-[\]-~]{1,64}$/;

/** Device ids are opaque strings: 1 to 64 printable ASCII characters other than space, `"` and `\`. */
export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID.test(id);
}
