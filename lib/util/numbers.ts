/**
 * Number parsing and formatting exactly as Redis does it, so that what is accepted
 * and how numbers print match redis-server byte for byte.
 *
 * @module
 */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Whether `s` is an integer in Redis's string2ll syntax: an optional '-', then
 * either a lone "0" or digits without a leading zero. No '+', no spaces.
 */
function isIntegerSyntax(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1;
  if (first < 49 || first > 57) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parses a signed 64-bit integer as Redis's string2ll does; null when `s` is not
 * one (Redis then replies "value is not an integer or out of range"). Values
 * beyond 2^53 come back rounded; use {@link parseInt64} where exactness matters.
 */
export function parseInteger(s: string): number | null {
  if (!isIntegerSyntax(s)) return null;
  if (s.length < 16) return Number(s);
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return Number(big);
}

/** Like {@link parseInteger}, exact over the whole int64 range. */
export function parseInt64(s: string): bigint | null {
  if (!isIntegerSyntax(s)) return null;
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return big;
}

/** The largest int64, as a double, for overflow checks on millisecond times. */
export const INT64_MAX_NUMBER = 9223372036854775807;

/**
 * Formats a double as C's printf("%.17g") does, which is how Redis 7.0 prints
 * scores and other doubles: 17 significant digits, trailing zeros dropped,
 * exponent form below 1e-4 or from 1e17, and "inf" / "-inf" / "nan".
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const exponential = d.toExponential(16); // "-1.2345678901234567e+5"
  const e = exponential.indexOf("e");
  const exponent = Number(exponential.slice(e + 1));
  if (exponent < -4 || exponent >= 17) {
    const mantissa = stripZeros(exponential.slice(0, e));
    const sign = exponent < 0 ? "-" : "+";
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return stripZeros(d.toFixed(16 - exponent));
}

function stripZeros(s: string): string {
  if (s.indexOf(".") === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
