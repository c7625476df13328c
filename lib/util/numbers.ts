/**
 * Number parsing and formatting exactly as Redis does it, so that what is accepted
 * and how numbers print match redis-server byte for byte.
 *
 * @module
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

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

/**
 * `a + b` over int64, as the INCR family computes it: `a` is text that
 * {@link parseInteger} accepted, `b` exact; null when the sum overflows.
 * Numbers while everything stays below 2^53, BigInt beyond, where Numbers round.
 */
export function addInt64(a: string, b: number | bigint): number | bigint | null {
  if (typeof b === "number" && a.length < 16) {
    const sum = Number(a) + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  return sum > INT64_MAX || sum < INT64_MIN ? null : sum;
}

/**
 * An expire time as Redis computes it in int64 (expireGenericCommand,
 * getExpireMillisecondsOrReply): `amount` seconds (times 1000) or ms, plus
 * `base` ms (now, for a relative time); null where Redis reports an overflow,
 * so also for seconds beyond ±(2^63 - 1) / 1000. `text` is the integer that
 * {@link parseInteger} read as `amount`: past 2^53, where a double cannot tell
 * 9223372036854775 * 1000 from 2^63, the checks are made on it exactly.
 */
export function expireMilliseconds(
  amount: number,
  text: string,
  seconds: boolean,
  base: number,
): number | null {
  if (Math.abs(amount) < SAFE_EXPIRE_AMOUNT) return (seconds ? amount * 1000 : amount) + base;
  let ms = BigInt(text);
  if (seconds) {
    if (ms > INT64_MAX / 1000n || ms < INT64_MIN / 1000n) return null;
    ms *= 1000n;
  }
  ms += BigInt(base);
  return ms > INT64_MAX ? null : Number(ms);
}

/** Below this, an amount in seconds times 1000 plus a unix time in ms stays an exact double. */
const SAFE_EXPIRE_AMOUNT = 2 ** 52 / 1000;

/** The largest int64, as a double, for overflow checks on millisecond times. */
export const INT64_MAX_NUMBER = 9223372036854775807;

/**
 * Beyond this many bits after the point, a double of at least 1e-4 has more
 * than 18 significant digits (one decimal place per bit, at most 3 of them
 * leading zeros).
 */
const SHORT_FRACTION_BITS = 21;

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
  // Scores are mostly integers. Below 2^53 JavaScript prints an integer's exact
  // digits, as %.17g does (above it, it may print fewer significant digits
  // padded with zeros: 2^56 reads "72057594037927940", %.17g's "...936").
  if (Number.isSafeInteger(d)) return String(d);
  const magnitude = Math.abs(d);
  if (magnitude >= 1e-4 && magnitude < 1e15) {
    // Fixed notation for both %.17g and toPrecision(17) here. The exact value
    // has as many decimal places as the double has bits after the point.
    let fraction = magnitude - Math.floor(magnitude);
    let bits = 0;
    while (fraction !== Math.floor(fraction) && bits <= SHORT_FRACTION_BITS) {
      fraction *= 2;
      bits++;
    }
    // More places than that make over 18 significant digits, so no tie at the
    // 17th, the one case where toPrecision (ties up) and glibc (ties to even) differ.
    if (bits > SHORT_FRACTION_BITS) return stripZeros(d.toPrecision(17));
    // A short exact value is what String prints when that is as long: 2.5, 0.125, 3.75.
    const text = String(d);
    if (text.length - text.indexOf(".") - 1 === bits) return text;
  }
  const { digits, exponent } = seventeenDigits(Math.abs(d));
  const sign = d < 0 ? "-" : "";
  if (exponent < -4 || exponent >= 17) {
    const mantissa = stripZeros(`${digits[0]}.${digits.slice(1)}`);
    const expSign = exponent < 0 ? "-" : "+";
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const fixed = exponent < 0
    ? `0.${"0".repeat(-exponent - 1)}${digits}`
    : `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return sign + stripZeros(fixed);
}

/**
 * C's printf("%.<digits>f") (1 to 60 digits) as glibc prints it: JavaScript's
 * toFixed rounds exact ties away from zero, glibc to even, so ties are settled
 * here from a longer (exact for such short dyadic ties) expansion.
 */
export function printfFixed(d: number, digits: number): string {
  let s = d.toFixed(digits);
  if (new RegExp(`^-?\\d+\\.\\d{${digits}}50*$`).test(d.toFixed(digits + 40)) && /[13579]$/.test(s)) {
    s = s.slice(0, -1) + String(Number(s[s.length - 1]) - 1);
  }
  return Object.is(d, -0) ? "-" + s : s;
}

/**
 * The 17 significant digits of a positive finite double and its decimal
 * exponent, rounded as glibc rounds: to nearest, ties to even. JavaScript's
 * toExponential rounds exact ties up instead, so ties are settled exactly.
 */
function seventeenDigits(x: number): { digits: string; exponent: number } {
  const text = x.toExponential(16);
  const exponent = Number(text.slice(text.indexOf("e") + 1));
  // A tie needs the exact value to end in 5 at the 18th significant digit.
  if (x.toExponential(17)[18] !== "5") {
    return { digits: text[0] + text.slice(2, 18), exponent };
  }
  return roundExactly(x, Number(x.toExponential(17).slice(20)));
}

const VIEW = new DataView(new ArrayBuffer(8));

/** x = mantissa * 2^power, exactly. */
function decompose(x: number): { mantissa: bigint; power: number } {
  VIEW.setFloat64(0, x);
  const high = VIEW.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(VIEW.getUint32(4));
  return biased === 0
    ? { mantissa: fraction, power: -1074 }
    : { mantissa: fraction | (1n << 52n), power: biased - 1075 };
}

function roundExactly(x: number, exponent: number): { digits: string; exponent: number } {
  const { mantissa, power } = decompose(x);
  const scale = 16 - exponent;
  let numerator = power >= 0 ? mantissa << BigInt(power) : mantissa;
  let denominator = power >= 0 ? 1n : 1n << BigInt(-power);
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator *= 10n ** BigInt(-scale);
  let n = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && n % 2n === 1n)) n++;
  if (n === 10n ** 17n) return { digits: "1" + "0".repeat(16), exponent: exponent + 1 };
  return { digits: n.toString(), exponent };
}

function stripZeros(s: string): string {
  if (s.indexOf(".") === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/** What {@link scanPlainDecimal} found. */
export const NOT_PLAIN = 0;
export const PLAIN = 1;
export const PLAIN_LONG = 2;

/**
 * The last plain decimal of at most 15 digits {@link scanPlainDecimal} read:
 * exactly `units` / 10^`decimals`, `units` signed (-0 for "-0").
 */
export const scannedDecimal = { units: 0, decimals: 0 };

/**
 * Whether `text` is a plain decimal: an optional '-', then digits with an
 * optional point, one digit at least, {@link PLAIN_DECIMAL_MAX} characters at
 * most; the form scores and increments are sent in ("1.5", redis-benchmark's
 * zero-padded integers), read here with no pattern. PLAIN for one of up to 15
 * digits, an exact integer over a power of ten, read into
 * {@link scannedDecimal}; PLAIN_LONG for one with more; else NOT_PLAIN.
 */
export function scanPlainDecimal(text: string): number {
  const n = text.length;
  const negative = n > 0 && text.charCodeAt(0) === 45;
  if (n > PLAIN_DECIMAL_MAX) return NOT_PLAIN;
  let digits = 0;
  let units = 0;
  let point = -1;
  for (let i = negative ? 1 : 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      units = units * 10 + (c - 48);
    } else if (c === 46 && point === -1) {
      point = i;
    } else {
      return NOT_PLAIN;
    }
  }
  if (digits === 0) return NOT_PLAIN;
  if (digits > 15) return PLAIN_LONG;
  scannedDecimal.units = negative ? -units : units;
  scannedDecimal.decimals = point === -1 ? 0 : n - 1 - point;
  return PLAIN;
}

/**
 * `s` as strtod reads it when it is a plain decimal, else NaN. strtod rounds
 * correctly: so does an exact integer divided by an exact power of ten, and so
 * does Number for longer ones. Too short to overflow or underflow.
 */
function plainDecimal(s: string): number {
  const kind = scanPlainDecimal(s);
  if (kind === PLAIN) return scannedDecimal.units / EXACT_POWERS_OF_TEN[scannedDecimal.decimals];
  return kind === PLAIN_LONG ? Number(s) : NaN;
}

/** Far from the 309 digits a double overflows at and the ~324 zeros it underflows at. */
const PLAIN_DECIMAL_MAX = 40;

/** 10^0 to 10^15, each exactly a double. */
export const EXACT_POWERS_OF_TEN: readonly number[] = Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));

/** The longest prefix C's strtod converts: hex, decimal, inf/infinity, nan(...), after spaces. */
const STRTOD_PREFIX =
  /^[\t\n\v\f\r ]*([+-]?)(?:0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p([+-]?[0-9]+))?|((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)|(inf(?:inity)?)|(nan(?:\([0-9a-z_]*\))?))/i;

/** The smallest normal double: results below it (and not zero) underflow. */
const DBL_MIN = 2.2250738585072014e-308;

/**
 * C's strtod on `s`: the value of its longest convertible prefix, how many
 * characters that prefix takes (0 when nothing converts) and whether errno
 * would be ERANGE (overflow to infinity or underflow below the normal range).
 */
export function strtod(s: string): { value: number; end: number; range: boolean } {
  const plain = plainDecimal(s);
  if (!Number.isNaN(plain)) return { value: plain, end: s.length, range: false };
  const match = STRTOD_PREFIX.exec(s);
  if (match === null) return { value: 0, end: 0, range: false };
  const [prefix, sign, hexDigits, binaryExponent, decimal, infinity] = match;
  const negative = sign === "-";
  let magnitude: number;
  if (hexDigits !== undefined) {
    const point = hexDigits.indexOf(".");
    const fractionDigits = point === -1 ? 0 : hexDigits.length - point - 1;
    const mantissa = Number(BigInt("0x0" + hexDigits.replace(".", "")));
    magnitude = mantissa * 2 ** (Number(binaryExponent ?? 0) - 4 * fractionDigits);
  } else if (decimal !== undefined) {
    magnitude = Number(decimal);
  } else {
    magnitude = infinity !== undefined ? Infinity : NaN;
  }
  const finiteInput = hexDigits !== undefined || decimal !== undefined;
  const nonZeroDigits = finiteInput && /[1-9a-f]/i.test((hexDigits ?? decimal).replace(/[ep].*$/i, ""));
  const range = finiteInput &&
    (magnitude === Infinity || (nonZeroDigits && magnitude < DBL_MIN));
  return { value: negative ? -magnitude : magnitude, end: prefix.length, range };
}

/** C's atoi: optional blanks and a sign, then digits, as an int (0 when there are none). */
export function atoi(text: string): number {
  const match = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(text);
  return match === null ? 0 : Number(match[1]) | 0;
}
