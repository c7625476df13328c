/**
 * Glob-style pattern matching exactly as Redis 7.0's `stringmatchlen`
 * (util.c), which KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET use.
 *
 * Patterns and texts are binary strings (one char per byte). Redis's quirks
 * are kept on purpose, because clients see them: an unterminated `[` takes the
 * rest of the pattern as its set, `[a-]` is a range up to `]`, reversed ranges
 * work, bytes of 0x80 and above compare as negative (C's signed char) inside
 * ranges (and, with nocase, go through glibc's tolower, which makes them
 * positive again except 0xff), `*` never matches an empty text on its own, and
 * more than 1000 nested `*` make the match fail.
 *
 * @module
 */

const STAR = 42; // *
const QUESTION = 63; // ?
const OPEN = 91; // [
const CLOSE = 93; // ]
const CARET = 94; // ^
const DASH = 45; // -
const BACKSLASH = 92; // \

/** Redis gives up (no match) beyond this many nested `*`. */
const MAX_NESTING = 1000;

/** Whether `text` matches the glob `pattern`, as Redis's stringmatchlen. */
export function globMatch(
  pattern: string,
  text: string,
  nocase = false,
): boolean {
  return matchAt(pattern, 0, text, 0, nocase, { skipLonger: false }, 0);
}

/** C's `(signed char)` of a byte, which Redis's range comparisons use. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/**
 * glibc's tolower in the "C" locale, fed a signed char: a negative char comes
 * back as its unsigned byte, except -1, which is EOF and stays -1.
 */
function lower(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  return c < -1 ? c + 256 : c;
}

/**
 * Once a `*` has tried every position without matching the rest of the
 * pattern, letting an earlier `*` swallow more text cannot help, so every
 * pending `*` gives up at once. This flag is what keeps patterns like
 * `a*a*a*a*b` polynomial instead of exponential, as in Redis.
 */
interface SearchState {
  skipLonger: boolean;
}

function matchAt(
  pat: string,
  p: number,
  str: string,
  s: number,
  nocase: boolean,
  state: SearchState,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = pat.length;
  const slen = str.length;
  while (p < plen && s < slen) {
    const pc = pat.charCodeAt(p);
    if (pc === STAR) {
      while (p + 1 < plen && pat.charCodeAt(p + 1) === STAR) p++;
      if (p + 1 === plen) return true;
      for (; s < slen; s++) {
        if (matchAt(pat, p + 1, str, s, nocase, state, nesting + 1)) {
          return true;
        }
        if (state.skipLonger) return false;
      }
      state.skipLonger = true;
      return false;
    } else if (pc === QUESTION) {
      s++;
    } else if (pc === OPEN) {
      p = matchSet(pat, p + 1, str.charCodeAt(s), nocase);
      if (p < 0) return false;
      s++;
    } else {
      if (pc === BACKSLASH && plen - p >= 2) p++;
      const c = pat.charCodeAt(p);
      const sc = str.charCodeAt(s);
      if (nocase ? lower(c) !== lower(sc) : c !== sc) return false;
      s++;
    }
    p++;
    if (s === slen) {
      while (pat.charCodeAt(p) === STAR) p++;
      break;
    }
  }
  return p === plen && s === slen;
}

/**
 * Matches one text char against the set starting at `p` (just after `[`).
 * Returns the index of the set's last char (its `]`, or the pattern's last
 * char when unterminated), or -1 when the char is not in the set.
 */
function matchSet(pat: string, p: number, c: number, nocase: boolean): number {
  const plen = pat.length;
  const not = pat.charCodeAt(p) === CARET;
  if (not) p++;
  let match = false;
  for (;; p++) {
    const pc = pat.charCodeAt(p);
    if (pc === BACKSLASH && plen - p >= 2) {
      p++;
      if (pat.charCodeAt(p) === c) match = true;
    } else if (pc === CLOSE) {
      break;
    } else if (p === plen) {
      p--;
      break;
    } else if (plen - p >= 3 && pat.charCodeAt(p + 1) === DASH) {
      let start = signed(pc);
      let end = signed(pat.charCodeAt(p + 2));
      let ch = signed(c);
      if (start > end) [start, end] = [end, start];
      if (nocase) {
        start = lower(start);
        end = lower(end);
        ch = lower(ch);
      }
      p += 2;
      if (ch >= start && ch <= end) match = true;
    } else if (nocase ? lower(pc) === lower(c) : pc === c) {
      match = true;
    }
  }
  return match !== not ? p : -1;
}
