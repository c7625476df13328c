/**
 * LZF compression as Redis builds liblzf 3.6 (lzf_c.c / lzf_d.c with HLOG 16,
 * VERY_FAST, no ULTRA_FAST): the same matches and the same output bytes for the
 * same input, given an empty hash table (Redis leaves its table uninitialised,
 * which can only make it miss or find other valid matches; any LZF output
 * decompresses the same).
 *
 * Format: a literal run is a control byte 0-31 (run length - 1) and the bytes;
 * a back reference is `LLLooooo [LLLLLLLL] oooooooo`: a length (3 bits, 7
 * meaning an extra length byte follows) and a 13-bit offset back from the
 * output position, copying length + 2 bytes.
 *
 * @module
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * The hash table, reused: each call stores `base + offset + 1` and treats
 * anything at or below its `base` as empty, so that a call on a short input
 * does not have to clear all 64K slots first.
 */
const htab = new Uint32Array(HSIZE);
let base = 0;

function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Compresses `input` into at most `outLen` bytes, as lzf_compress does; null
 * when the result would not fit (the caller then stores the data as it is).
 */
export function lzfCompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return null;
  if (base + inLen + 1 > 0xffffffff) {
    htab.fill(0);
    base = 0;
  }
  const b = base;
  base += inLen + 1;
  // Slack: the format writes a run's control byte before checking for room.
  const out = new Uint8Array(outLen + 4);
  const outEnd = outLen;
  const inEnd = inLen;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run

  let hval = ((input[0] << 8) | input[1]) >>> 0;
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const slot = idx(hval);
    const stored = htab[slot];
    const ref = stored > b ? stored - b - 1 : -1;
    htab[slot] = b + ip + 1;
    let off: number;
    if (
      ref > 0 && ref < ip &&
      (off = ip - ref - 1) < MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;

      if (op + 3 + 1 >= outEnd) {
        if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;
      }
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero

      matching: {
        if (maxlen > 16) {
          for (let k = 0; k < 16; k++) {
            len++;
            if (input[ref + len] !== input[ip + len]) break matching;
          }
        }
        do len++; while (len < maxlen && input[ref + len] === input[ip + len]);
      }

      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;

      ip -= 2;
      hval = ((input[ip] << 8) | input[ip + 1]) >>> 0;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = b + ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = b + ip + 1;
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }
  if (op + 3 > outEnd) return null; // at most 3 bytes can be missing here
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--; // undo run if length is zero
  return out.subarray(0, op);
}

/**
 * Decompresses LZF data that must expand to exactly `outLen` bytes; null when
 * it is corrupt (a reference before the start, overruns, a wrong length).
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  const inEnd = input.length;
  while (ip < inEnd) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > inEnd) return null;
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inEnd) return null;
      if (len === 7) {
        len += input[ip++];
        if (ip >= inEnd) return null;
      }
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      for (let k = 0; k < len; k++) out[op++] = out[ref++];
    }
  }
  return op === outLen ? out : null;
}
