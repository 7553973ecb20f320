// CRC-16/CCITT-FALSE (a.k.a. CRC-16/IBM-3740): poly 0x1021, init 0xFFFF, no reflection, xorout 0.
// This is the CWL's CRC16 (PROTOCOL.md A2): "123456789" -> 0x29B1.

const CRC16_TABLE: Uint16Array = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[byte] = crc;
  }
  return table;
}

/**
 * CRC-16/CCITT-FALSE of `bytes`, continuing from `seed` (0xFFFF starts a new CRC).
 * @example computeCrc16(new TextEncoder().encode('123456789')) === 0x29b1
 */
export function computeCrc16(bytes: Uint8Array, seed = 0xffff): number {
  let crc = seed & 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    // Indexing a Uint8Array/Uint16Array in range always yields a number; `?? 0` only satisfies the checker.
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >>> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc;
}

/** The CRC as the protocol writes it: 4 upper-case hex digits, zero-padded. */
export function formatCrc16(crc: number): string {
  return (crc & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}
