/**
 * C `long double` arithmetic as Redis 7.0 does it for INCRBYFLOAT and
 * HINCRBYFLOAT: parse with strtold (string2ld's rules), add, print with
 * ld2string's human mode ("%.17Lf", trailing zeros removed).
 *
 * On x86-64 Linux, where Redis's replies were taken from, long double is the x87
 * 80-bit extended format: a 64-bit significand, normal exponents down to
 * 2^-16382, subnormals down to 2^-16445, round to nearest with ties to even.
 * JavaScript has nothing like it and doubles would round differently (0.1 + 0.2
 * must print as "0.3"), so values here are exact BigInt dyadic rationals,
 * rounded to that format after every operation exactly as the hardware and
 * glibc round.
 *
 * @module
 */
import { EXACT_POWERS_OF_TEN, PLAIN, scannedDecimal, scanPlainDecimal } from "./numbers.ts";

/** A finite value: (-1)^negative · mantissa · 2^exponent, mantissa below 2^64. */
export interface FiniteLongDouble {
  kind: "finite";
  negative: boolean;
  mantissa: bigint;
  exponent: number;
}

export type LongDouble = FiniteLongDouble | { kind: "infinity"; negative: boolean } | { kind: "nan" };

/** Bits in the significand. */
const PRECISION = 64;
/** The weight of the lowest bit of the smallest subnormal is 2^MIN_EXPONENT. */
const MIN_EXPONENT = -16445;
/** Values from 2^MAX_BITS up are infinite. */
const MAX_BITS = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs this long or longer. */
const MAX_CHARS = 5 * 1024;
/** "%.17Lf" prints this many digits after the point. */
const FRACTION_DIGITS = 17;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);

export const LONG_DOUBLE_ZERO: FiniteLongDouble = zero(false);
const NAN: LongDouble = { kind: "nan" };

function zero(negative: boolean): FiniteLongDouble {
  return { kind: "finite", negative, mantissa: 0n, exponent: 0 };
}

/** n's bits as the hex digits count them; for numbers beyond a double's range. */
function hexBitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0], 16));
}

/** Where bitLength reads a double's exponent. */
const DOUBLE_BYTES = new DataView(new ArrayBuffer(8));

/**
 * The number of bits of n >= 0, read off the exponent of Number(n): a BigInt
 * conversion costs a fraction of the hex string this used to take.
 */
function bitLength(n: bigint): number {
  const f = Number(n);
  if (f < 2 ** 32) return 32 - Math.clz32(f);
  if (f === Infinity) return hexBitLength(n);
  DOUBLE_BYTES.setFloat64(0, f);
  const high = DOUBLE_BYTES.getUint32(0);
  const bits = (high >>> 20) - 1022;
  // Number() rounds to nearest, so n just below a power of two can read as it.
  if ((high & 0xfffff) === 0 && DOUBLE_BYTES.getUint32(4) === 0 && bits > 53 && n < powerOfTwo(bits - 1)) {
    return bits - 1;
  }
  return bits;
}

/** 2^k and 10^k for the small k that every call needs, made once. */
const POWERS_OF_TWO: bigint[] = [];
const POWERS_OF_TEN: bigint[] = [];
const POWER_OF_TEN_BITS: number[] = [];
const CACHED_POWERS = 128;

function powerOfTwo(k: number): bigint {
  if (k >= CACHED_POWERS) return 1n << BigInt(k);
  return POWERS_OF_TWO[k] ??= 1n << BigInt(k);
}

function powerOfTen(k: number): bigint {
  if (k >= CACHED_POWERS) return 10n ** BigInt(k);
  return POWERS_OF_TEN[k] ??= 10n ** BigInt(k);
}

function powerOfTenBits(k: number): number {
  if (k >= CACHED_POWERS) return bitLength(powerOfTen(k));
  return POWER_OF_TEN_BITS[k] ??= bitLength(powerOfTen(k));
}

/**
 * n / 2^shift (shift >= 1) rounded to nearest, ties to even; `sticky` says that
 * n was itself rounded down from a slightly larger value, which breaks a tie.
 */
function shiftRounded(n: bigint, shift: number, sticky: boolean): bigint {
  const quotient = n >> BigInt(shift);
  const rest = BigInt.asUintN(shift, n);
  const half = powerOfTwo(shift - 1);
  const up = rest > half || (rest === half && (sticky || (quotient & 1n) === 1n));
  return up ? quotient + 1n : quotient;
}

const TWO_TO_PRECISION = 1n << BigInt(PRECISION);

/**
 * The extended-precision value nearest n · 2^exponent (n >= 0), or infinity. When
 * `sticky` is set, n must have more than 64 bits so that the rounding position
 * lies above the bits that were cut.
 */
function round(negative: boolean, n: bigint, exponent: number, sticky = false): LongDouble {
  if (n === 0n) return zero(negative);
  const lowest = Math.max(exponent + bitLength(n) - PRECISION, MIN_EXPONENT);
  let mantissa = lowest > exponent
    ? shiftRounded(n, lowest - exponent, sticky)
    : n << BigInt(exponent - lowest);
  let mantissaExponent = lowest;
  if (mantissa === TWO_TO_PRECISION) {
    mantissa >>= 1n;
    mantissaExponent++;
  }
  if (mantissa === 0n) return zero(negative);
  // The mantissa has at most 64 bits, so only a high exponent can overflow.
  if (mantissaExponent > MAX_BITS - PRECISION && mantissaExponent + bitLength(mantissa) > MAX_BITS) {
    return { kind: "infinity", negative };
  }
  return { kind: "finite", negative, mantissa, exponent: mantissaExponent };
}

const HEXADECIMAL = /^([+-]?)0[xX]([\da-fA-F]*)(?:\.([\da-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/**
 * n · 10^power rounded to extended precision, n > 0 having `digits` digits.
 * Magnitudes far outside the format's range are settled without building huge
 * powers of ten.
 */
function fromDecimal(negative: boolean, n: bigint, digits: number, power: number): LongDouble {
  const magnitude = power + digits; // the value is below 10^magnitude
  if (magnitude > 4940) return { kind: "infinity", negative };
  if (magnitude < -4960) return zero(negative);
  if (power >= 0) return round(negative, n * powerOfTen(power), 0);
  const divisor = powerOfTen(-power);
  // Enough quotient bits that rounding to 64 never looks at the cut remainder.
  const shift = Math.max(0, powerOfTenBits(-power) - bitLength(n) + PRECISION + 2);
  const scaled = n << BigInt(shift);
  const quotient = scaled / divisor;
  return round(negative, quotient, -shift, quotient * divisor !== scaled);
}

/** A hex significand · 2^power rounded to extended precision. */
function fromHex(negative: boolean, hex: string, power: number): LongDouble {
  const n = BigInt("0x" + hex);
  const magnitude = bitLength(n) + power;
  if (magnitude > MAX_BITS + 1) return { kind: "infinity", negative };
  if (magnitude < MIN_EXPONENT - 1) return zero(negative);
  return round(negative, n, power);
}

/** The digits of a significand that are read into a double exactly. */
const EXACT_DIGITS = 15;
/** Exponents are only needed to stay huge past this: beyond the format's range either way. */
const EXPONENT_CAP = 1e9;

/**
 * Parses `text` as Redis's string2ld does: strtold (decimal, hex with an
 * optional binary exponent, inf/infinity) over the whole string, with no leading
 * whitespace, under 5120 chars, refusing NaN and anything that overflows to
 * infinity or underflows to zero. Returns null where Redis replies "not a valid
 * float". Decimals, the usual input, are scanned by hand
 * (`[+-]?digits[.digits][(e|E)[+-]digits]`, at least one digit before the
 * exponent); hex and infinities by pattern.
 */
export function parseLongDouble(text: string): LongDouble | null {
  const length = text.length;
  if (length === 0 || length >= MAX_CHARS) return null;
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 45;
  if (c === 45 || c === 43) c = text.charCodeAt(++i);
  if (c === 48 && (text.charCodeAt(i + 1) | 0x20) === 120) return parseHexOrInfinity(text);
  const start = i;
  let digits = 0;
  let significant = 0;
  let leading = 0; // the first significant digits' value, while they fit a double exactly
  let fractionDigits = 0;
  let point = false;
  for (; i < length; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (point) fractionDigits++;
      if ((significant !== 0 || c !== 48) && ++significant <= EXACT_DIGITS) leading = leading * 10 + c - 48;
    } else if (c === 46 && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits === 0) return parseHexOrInfinity(text);
  const end = i;
  let exponent = 0;
  if (i < length) {
    if ((c | 0x20) !== 101) return null;
    c = text.charCodeAt(++i);
    const exponentNegative = c === 45;
    if (c === 45 || c === 43) i++;
    if (i === length) return null;
    for (; i < length; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      if (exponent < EXPONENT_CAP) exponent = exponent * 10 + c - 48;
    }
    if (exponentNegative) exponent = -exponent;
  }
  if (significant === 0) return zero(negative);
  const n = significant <= EXACT_DIGITS ? BigInt(leading) : BigInt(text.slice(start, end).replace(".", ""));
  const value = fromDecimal(negative, n, significant, exponent - fractionDigits);
  // strtold's ERANGE: a non-zero number that rounds to infinity or to zero.
  return value.kind === "finite" && value.mantissa !== 0n ? value : null;
}

/** parseLongDouble for what is not a plain decimal: hex (0x1.8p3) and inf/infinity. */
function parseHexOrInfinity(text: string): LongDouble | null {
  const hex = HEXADECIMAL.exec(text);
  if (hex === null) {
    const infinity = INFINITY.exec(text);
    return infinity ? { kind: "infinity", negative: infinity[1] === "-" } : null;
  }
  const [, sign, whole, fraction = "", exponent] = hex;
  if (whole.length + fraction.length === 0) return null;
  const negative = sign === "-";
  const digits = (whole + fraction).replace(/^0+/, "");
  if (digits.length === 0) return zero(negative);
  const power = (exponent === undefined ? 0 : Number(exponent)) - 4 * fraction.length;
  const value = fromHex(negative, digits, power);
  return value.kind === "finite" && value.mantissa !== 0n ? value : null;
}

function signedScaled(x: FiniteLongDouble, exponent: number): bigint {
  const n = x.mantissa << BigInt(x.exponent - exponent);
  return x.negative ? -n : n;
}

/** a + b in extended precision (IEEE semantics for infinities and signed zeros). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return NAN;
  if (a.kind === "infinity") return b.kind === "infinity" && b.negative !== a.negative ? NAN : a;
  if (b.kind === "infinity") return b;
  if (a.mantissa === 0n) return b.mantissa === 0n ? zero(a.negative && b.negative) : b;
  if (b.mantissa === 0n) return a;
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = signedScaled(a, exponent) + signedScaled(b, exponent);
  // An exact zero sum is +0 when rounding to nearest.
  return sum < 0n ? round(true, -sum, exponent) : round(false, sum, exponent);
}

/**
 * Formats as Redis's ld2string in LD_STR_HUMAN mode: printf "%.17Lf" (exact
 * decimal expansion rounded to 17 places, ties to even, as glibc does), then
 * trailing zeros and a bare point removed and "-0" turned into "0". Never an
 * exponent, so 1e20 prints in 21 digits.
 */
export function formatLongDouble(x: FiniteLongDouble): string {
  // An integer (no bits below the point) prints as its digits.
  if (x.exponent >= 0 || BigInt.asUintN(-x.exponent, x.mantissa) === 0n) {
    const whole = x.exponent >= 0 ? x.mantissa << BigInt(x.exponent) : x.mantissa >> BigInt(-x.exponent);
    return x.negative && whole !== 0n ? `-${whole}` : `${whole}`;
  }
  const text = pointed(
    shiftRounded(x.mantissa * FRACTION_SCALE, -x.exponent, false).toString(),
    FRACTION_DIGITS,
  );
  return x.negative && text !== "0" ? `-${text}` : text;
}

/**
 * `digits` with a point before the last `decimals` of them (zeros put in front
 * when there are not that many), then trailing zeros and a bare point removed.
 */
function pointed(digits: string, decimals: number): string {
  if (digits.length <= decimals) digits = digits.padStart(decimals + 1, "0");
  const point = digits.length - decimals;
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48) end--;
  return end === point ? digits.slice(0, point) : `${digits.slice(0, point)}.${digits.slice(point, end)}`;
}

/**
 * What {@link formatLongDouble} prints for the sum of two texts strtold reads,
 * in the cases where that is the exact decimal sum, computed with integers and
 * no BigInt; null otherwise (the caller takes the exact path, which also gives
 * the errors). Both texts must be plain decimals (an optional '-', then digits
 * with an optional point; 15 digits at most, so each is an exact integer over
 * a power of ten), and either
 * - both are dyadic (3.5, 0.25): each, and their sum, is a numerator below
 *   2^53 over a power of two, which a 64-bit significand holds exactly; or
 * - both and their sum are below 32 in magnitude: each of the three roundings
 *   to a 64-bit significand is then off by at most 2^-60, together under
 *   2.6e-18, less than half the 1e-17 step "%.17Lf" rounds to, so the exact
 *   sum (at most 15 decimals) is what prints.
 * INCRBYFLOAT 0.1 on 10.5, HINCRBYFLOAT 0.5 on 3.5: the usual calls.
 */
export function plainDecimalSum(a: string, b: string): string | null {
  if (scanPlainDecimal(a) !== PLAIN) return null;
  const aUnits = scannedDecimal.units;
  const aDecimals = scannedDecimal.decimals;
  if (scanPlainDecimal(b) !== PLAIN) return null;
  const { units: bUnits, decimals: bDecimals } = scannedDecimal;
  const decimals = Math.max(aDecimals, bDecimals);
  const x = aUnits * EXACT_POWERS_OF_TEN[decimals - aDecimals];
  const y = bUnits * EXACT_POWERS_OF_TEN[decimals - bDecimals];
  const sum = x + y;
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y) || !Number.isSafeInteger(sum)) return null;
  const limit = 32 * EXACT_POWERS_OF_TEN[decimals];
  const small = Math.abs(x) < limit && Math.abs(y) < limit && Math.abs(sum) < limit;
  const dyadic = aUnits % POWERS_OF_FIVE[aDecimals] === 0 && bUnits % POWERS_OF_FIVE[bDecimals] === 0;
  if (!small && !dyadic) return null;
  const text = pointed(String(Math.abs(sum)), decimals);
  return sum < 0 ? `-${text}` : text;
}

/** 5^0 to 5^15, exact. */
const POWERS_OF_FIVE = Array.from({ length: 16 }, (_, k) => Number(5n ** BigInt(k)));
