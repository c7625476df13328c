/**
 * LOLWUT against redis-server 7.0.15: the default reply, VERSION's parsing and
 * dispatch, the argument errors and clamping, and, byte for byte, every
 * Schotter drawing that needs no random numbers (at most two rows of squares:
 * Redis only rotates and shifts from the third). The random drawings are
 * compared by their shape: lines, their lengths, the characters used and the
 * caption.
 */
import assert from "node:assert/strict";
import {
  binaryToBytes,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  sameRepliesAsRedis,
  withServer,
} from "./helpers.ts";

/** Deterministic Schotter calls: cols, squares per row, squares per column of at most 2 after clamping. */
const FIXED_SCHOTTERS = [
  ["1", "1", "1"],
  ["1", "200", "1"],
  ["4", "200", "2"],
  ["2", "1", "1"],
  ["3", "1", "1"],
  ["3", "2", "2"],
  ["5", "1", "2"],
  ["37", "3", "2"],
  ["66", "8", "2"],
  ["66", "8", "1"],
  ["100", "7", "1"],
  ["80", "13", "2"],
  ["-5", "0", "0"],
  ["5000", "300", "2"],
  ["1000", "200", "-9223372036854775808"],
  ["9223372036854775807", "3", "1"],
];

const ERRORS_AND_DEFAULTS = [
  ["LOLWUT"],
  ["LOLWUT", "extra", "args"],
  ["LOLWUT", "VERSION"],
  ["LOLWUT", "5", "1", "1"],
  ["LOLWUT", "VERSION", "7"],
  ["LOLWUT", "version", "8", "1", "1"],
  ["LOLWUT", "VERSION", "1"],
  ["LOLWUT", "VERSION", "4"],
  ["LOLWUT", "VERSION", "0"],
  ["LOLWUT", "VERSION", "-1"],
  ["LOLWUT", "VERSION", "-4294967291", "3", "1", "1"],
  ["LOLWUT", "VERSION", "9223372036854775807"],
  ["LOLWUT", "VERSION", "x"],
  ["LOLWUT", "VERSION", "1.5"],
  ["LOLWUT", "VERSION", ""],
  ["LOLWUT", "VERSION", "9223372036854775808"],
  ["LOLWUT", "VERSION", "5", "x"],
  ["LOLWUT", "VERSION", "5", "1", "x"],
  ["LOLWUT", "VERSION", "5", "1", "1", "x"],
  ["LOLWUT", "VERSION", "5", "1", "1", "1", "ignored"],
  ["LOLWUT", "VERSION", "6", "x"],
  ["LOLWUT", "VERSION", "6", "1", "99999999999999999999"],
  ["LOLWUT", "VERSION", "6", " 1"],
  // 2^32 + 5 prints as "5.0.0" through Redis's (unsigned int) cast.
  ["LOLWUT", "VERSION", "4294967301", "10", "2", "2"],
  ...FIXED_SCHOTTERS.map((args) => ["LOLWUT", "VERSION", "5", ...args]),
];

Deno.test({
  name:
    "LOLWUT: the default reply, VERSION, errors and the drawings without randomness reply as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "RESP2": ERRORS_AND_DEFAULTS,
    "RESP3": [["HELLO", "3"], ...ERRORS_AND_DEFAULTS],
  }),
});

const BRAILLE = /^[\u2800-\u28ff]*$/u;
// Version 6 paints with terminal escapes: ESC [ colours m, a space, ESC [ 0 m.
// deno-lint-ignore no-control-regex
const CELL = /\x1b\[(?:0;30;40|0;90;100|0;37;47|0;97;107)m \x1b\[0m/gu;

/** How many lines of caption follow each version's canvas. */
const CAPTION_LINES: Record<string, number> = { "5": 1, "6": 2 };

/**
 * A LOLWUT drawing's shape: the length of each canvas line (Braille
 * characters for version 5, coloured cells for version 6, asserting nothing
 * else is there) and the caption.
 */
function shape(version: string, reply: Reply): { widths: number[]; caption: string[] } {
  assert.equal(typeof reply, "string");
  const lines = new TextDecoder("utf-8", { fatal: true }).decode(binaryToBytes(reply as string)).split("\n");
  assert.equal(lines.pop(), "", "the reply ends with a newline");
  const captionAt = lines.length - CAPTION_LINES[version];
  const widths = lines.slice(0, captionAt).map((line) => {
    if (version === "5") {
      assert.match(line, BRAILLE);
      return [...line].length;
    }
    assert.equal(line.replace(CELL, ""), "", `only coloured cells: ${JSON.stringify(line.slice(0, 40))}`);
    return line.match(CELL)?.length ?? 0;
  });
  return { widths, caption: lines.slice(captionAt) };
}

const RANDOM_DRAWINGS = [
  ["5"],
  ["5", "40"],
  ["5", "40", "6", "8"],
  ["5", "3", "1", "3"],
  ["5", "2", "3", "7"],
  ["5", "17", "4", "200"],
  ["5", "1000", "200", "3"],
  ["6"],
  ["6", "1"],
  ["6", "1", "1"],
  ["6", "2", "3"],
  ["6", "33", "7"],
  ["6", "0", "-3"],
  ["6", "5000", "4"],
  ["6", "3", "5000"],
];

Deno.test({
  name: "LOLWUT VERSION 5 and 6 draw canvases of redis-server's size, characters and caption",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(async (port) => {
    const conn = await RawConnection.open(port);
    try {
      const shapes = [];
      for (const [version, ...args] of RANDOM_DRAWINGS) {
        shapes.push(shape(version, await conn.command("LOLWUT", "VERSION", version, ...args)));
      }
      return shapes;
    } finally {
      conn.close();
    }
  }),
});

Deno.test("LOLWUT VERSION 5 and 6 draw something, different each time", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      const text = async (...args: string[]) =>
        new TextDecoder().decode(binaryToBytes(await conn.command("LOLWUT", "VERSION", ...args) as string));
      const schotter = await text("5");
      const dots = [...schotter].filter((c) => c > "\u2800" && c <= "\u28ff").length;
      assert.ok(dots > 500, `Braille characters with dots: ${dots}`);
      assert.notEqual(await text("5"), schotter, "the squares are shifted at random");
      const skyline = await text("6");
      for (const color of ["0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"]) {
        assert.ok(skyline.split(color).length > 20, `colour ${color}`);
      }
      assert.notEqual(await text("6"), skyline, "the buildings are placed at random");
    } finally {
      conn.close();
    }
  });
});
