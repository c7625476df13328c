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

function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0], 16));
}

/**
 * n / 2^shift (shift >= 1) rounded to nearest, ties to even; `sticky` says that
 * n was itself rounded down from a slightly larger value, which breaks a tie.
 */
function shiftRounded(n: bigint, shift: bigint, sticky: boolean): bigint {
  const quotient = n >> shift;
  const rest = n - (quotient << shift);
  const half = 1n << (shift - 1n);
  const up = rest > half || (rest === half && (sticky || (quotient & 1n) === 1n));
  return up ? quotient + 1n : quotient;
}

/**
 * The extended-precision value nearest n · 2^exponent (n >= 0), or infinity. When
 * `sticky` is set, n must have more than 64 bits so that the rounding position
 * lies above the bits that were cut.
 */
function round(negative: boolean, n: bigint, exponent: number, sticky = false): LongDouble {
  if (n === 0n) return zero(negative);
  const lowest = Math.max(exponent + bitLength(n) - PRECISION, MIN_EXPONENT);
  let mantissa = lowest > exponent
    ? shiftRounded(n, BigInt(lowest - exponent), sticky)
    : n << BigInt(exponent - lowest);
  let mantissaExponent = lowest;
  if (mantissa === 1n << BigInt(PRECISION)) {
    mantissa >>= 1n;
    mantissaExponent++;
  }
  if (mantissa === 0n) return zero(negative);
  if (mantissaExponent + bitLength(mantissa) > MAX_BITS) return { kind: "infinity", negative };
  return { kind: "finite", negative, mantissa, exponent: mantissaExponent };
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEXADECIMAL = /^([+-]?)0[xX]([\da-fA-F]*)(?:\.([\da-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/**
 * A decimal digits · 10^power rounded to extended precision. Magnitudes far
 * outside the format's range are settled without building huge powers of ten.
 */
function fromDecimal(negative: boolean, digits: string, power: number): LongDouble {
  const magnitude = power + digits.length; // the value is below 10^magnitude
  if (magnitude > 4940) return { kind: "infinity", negative };
  if (magnitude < -4960) return zero(negative);
  const n = BigInt(digits);
  if (power >= 0) return round(negative, n * 10n ** BigInt(power), 0);
  const divisor = 10n ** BigInt(-power);
  // Enough quotient bits that rounding to 64 never looks at the cut remainder.
  const shift = Math.max(0, bitLength(divisor) - bitLength(n) + PRECISION + 2);
  const scaled = n << BigInt(shift);
  return round(negative, scaled / divisor, -shift, scaled % divisor !== 0n);
}

/** A hex significand · 2^power rounded to extended precision. */
function fromHex(negative: boolean, hex: string, power: number): LongDouble {
  const n = BigInt("0x" + hex);
  const magnitude = bitLength(n) + power;
  if (magnitude > MAX_BITS + 1) return { kind: "infinity", negative };
  if (magnitude < MIN_EXPONENT - 1) return zero(negative);
  return round(negative, n, power);
}

/** The exponent field of a number; huge ones only need to stay huge. */
function exponentOf(text: string | undefined): number {
  return text === undefined ? 0 : Number(text);
}

/**
 * Parses `text` as Redis's string2ld does: strtold (decimal, hex with an
 * optional binary exponent, inf/infinity) over the whole string, with no leading
 * whitespace, under 5120 chars, refusing NaN and anything that overflows to
 * infinity or underflows to zero. Returns null where Redis replies "not a valid
 * float".
 */
export function parseLongDouble(text: string): LongDouble | null {
  if (text.length === 0 || text.length >= MAX_CHARS) return null;
  const hex = HEXADECIMAL.exec(text);
  const match = hex ?? DECIMAL.exec(text);
  if (match === null) {
    const infinity = INFINITY.exec(text);
    return infinity ? { kind: "infinity", negative: infinity[1] === "-" } : null;
  }
  const [, sign, whole, fraction = "", exponent] = match;
  if (whole.length + fraction.length === 0) return null;
  const negative = sign === "-";
  const digits = (whole + fraction).replace(/^0+/, "");
  if (digits.length === 0) return zero(negative);
  const value = hex
    ? fromHex(negative, digits, exponentOf(exponent) - 4 * fraction.length)
    : fromDecimal(negative, digits, exponentOf(exponent) - fraction.length);
  // strtold's ERANGE: a non-zero number that rounds to infinity or to zero.
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
  const scaled = x.mantissa * FRACTION_SCALE;
  const units = x.exponent >= 0
    ? scaled << BigInt(x.exponent)
    : shiftRounded(scaled, BigInt(-x.exponent), false);
  const digits = units.toString().padStart(FRACTION_DIGITS + 1, "0");
  const whole = digits.slice(0, -FRACTION_DIGITS);
  const fraction = digits.slice(-FRACTION_DIGITS).replace(/0+$/, "");
  const text = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return x.negative && text !== "0" ? `-${text}` : text;
}
