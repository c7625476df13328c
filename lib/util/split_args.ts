/**
 * Splitting a line into arguments (`SET "a b" 'c'`) as Redis's sdssplitargs does
 * it, for inline requests and redis.conf lines alike,
 * including its quirks: a NUL byte ends the line, a closing quote must be followed
 * by a space or the end, and `\xHH` escapes work inside double quotes only.
 *
 * @module
 */

function isSpace(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t" || c === "\v" ||
    c === "\f";
}

function isHexDigit(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  a: "\x07",
};

/**
 * Splits a binary-string line into arguments. Returns null on unbalanced quotes
 * (Redis replies "unbalanced quotes in request").
 */
export function splitArgs(input: string): string[] | null {
  const nul = input.indexOf("\0");
  const line = nul === -1 ? input : input.slice(0, nul);
  const args: string[] = [];
  let p = 0;
  while (true) {
    while (p < line.length && isSpace(line[p])) p++;
    if (p >= line.length) return args;
    let current = "";
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = line[p]; // undefined past the end, like C's terminating NUL
      if (inDouble) {
        if (
          c === "\\" && line[p + 1] === "x" && isHexDigit(line[p + 2] ?? "") &&
          isHexDigit(line[p + 3] ?? "")
        ) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === "\\" && p + 1 < line.length) {
          p++;
          current += ESCAPES[line[p]] ?? line[p];
        } else if (c === '"') {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === "\\" && line[p + 1] === "'") {
          p++;
          current += "'";
        } else if (c === "'") {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          current += c;
        }
      } else if (
        c === " " || c === "\n" || c === "\r" || c === "\t" || c === undefined
      ) {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (p < line.length) p++;
    }
    args.push(current);
  }
}

/**
 * Redis's sdscatrepr: `s` double-quoted with escapes, as redis-cli and
 * CONFIG REWRITE print it; {@link splitArgs} reads it back.
 */
export function quoteArg(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === "\\" || c === '"') out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c === "\x07") out += "\\a";
    else if (c === "\b") out += "\\b";
    else if (code >= 32 && code < 127) out += c;
    else out += "\\x" + code.toString(16).padStart(2, "0");
  }
  return out + '"';
}
