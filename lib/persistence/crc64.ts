/**
 * Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected
 * input and output, initial value 0 and no final xor, so that
 * `crc64(0, "123456789")` is 0xe9c6d914c4b8d9ca. RDB files and DUMP payloads
 * end with it, little-endian.
 *
 * JS has no fast 64-bit integers, so the register is kept as two 32-bit
 * halves, and bytes are consumed eight at a time through eight tables
 * (slicing-by-8), as Redis's own crc64 does.
 *
 * @module
 */

/** The reflected Jones polynomial. */
const POLY = 0x95ac9329ac4bc9b5n;

/** TABLES_LO[k * 256 + b] / TABLES_HI[...]: the low and high halves of slice table k. */
const TABLES_LO = new Uint32Array(8 * 256);
const TABLES_HI = new Uint32Array(8 * 256);

{
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
    TABLES_LO[i] = Number(crc & 0xffffffffn);
    TABLES_HI[i] = Number(crc >> 32n);
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const lo = TABLES_LO[(k - 1) * 256 + i];
      const hi = TABLES_HI[(k - 1) * 256 + i];
      const idx = lo & 0xff;
      TABLES_LO[k * 256 + i] = ((lo >>> 8) | (hi << 24)) ^ TABLES_LO[idx];
      TABLES_HI[k * 256 + i] = (hi >>> 8) ^ TABLES_HI[idx];
    }
  }
}

/** A running CRC-64 as two unsigned 32-bit halves. */
export interface Crc64 {
  lo: number;
  hi: number;
}

/** Continues `crc` (mutated and returned) over `bytes`. */
export function crc64Update(crc: Crc64, bytes: Uint8Array, start = 0, end = bytes.length): Crc64 {
  let lo = crc.lo;
  let hi = crc.hi;
  let i = start;
  const tl = TABLES_LO;
  const th = TABLES_HI;
  for (; i + 8 <= end; i += 8) {
    lo ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    hi ^= bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    const a = 7 * 256 + (lo & 0xff);
    const b = 6 * 256 + ((lo >>> 8) & 0xff);
    const c = 5 * 256 + ((lo >>> 16) & 0xff);
    const d = 4 * 256 + (lo >>> 24);
    const e = 3 * 256 + (hi & 0xff);
    const f = 2 * 256 + ((hi >>> 8) & 0xff);
    const g = 256 + ((hi >>> 16) & 0xff);
    const h = hi >>> 24;
    lo = tl[a] ^ tl[b] ^ tl[c] ^ tl[d] ^ tl[e] ^ tl[f] ^ tl[g] ^ tl[h];
    hi = th[a] ^ th[b] ^ th[c] ^ th[d] ^ th[e] ^ th[f] ^ th[g] ^ th[h];
  }
  for (; i < end; i++) {
    const idx = (lo ^ bytes[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx];
    hi = (hi >>> 8) ^ th[idx];
  }
  crc.lo = lo >>> 0;
  crc.hi = hi >>> 0;
  return crc;
}

/** The CRC-64 of `bytes` as a bigint. */
export function crc64(bytes: Uint8Array): bigint {
  const crc = crc64Update({ lo: 0, hi: 0 }, bytes);
  return (BigInt(crc.hi) << 32n) | BigInt(crc.lo);
}

/** Writes `crc` little-endian at `out[offset..offset+8]`, as Redis stores it. */
export function writeCrc64(crc: Crc64, out: Uint8Array, offset: number): void {
  const { lo, hi } = crc;
  out[offset] = lo & 0xff;
  out[offset + 1] = (lo >>> 8) & 0xff;
  out[offset + 2] = (lo >>> 16) & 0xff;
  out[offset + 3] = lo >>> 24;
  out[offset + 4] = hi & 0xff;
  out[offset + 5] = (hi >>> 8) & 0xff;
  out[offset + 6] = (hi >>> 16) & 0xff;
  out[offset + 7] = hi >>> 24;
}

/** Whether the 8 bytes at `offset` hold `crc` little-endian. */
export function crc64Matches(crc: Crc64, bytes: Uint8Array, offset: number): boolean {
  const lo =
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>>
    0;
  const hi =
    (bytes[offset + 4] | (bytes[offset + 5] << 8) | (bytes[offset + 6] << 16) | (bytes[offset + 7] << 24)) >>>
    0;
  return lo === crc.lo && hi === crc.hi;
}
