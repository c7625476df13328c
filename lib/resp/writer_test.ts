import assert from "node:assert/strict";
import { type Protocol, ReplyWriter } from "./writer.ts";
import { mulberry32 } from "../../tests/prng.ts";

/** The writer's pending bytes as a binary string (one char per byte), decoded independently. */
function out(w: ReplyWriter): string {
  const bytes = w.pending();
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** A binary string as bytes, without the code under test. */
function bin(s: string): Uint8Array {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** Runs `write` on a fresh writer of the protocol and returns what it produced. */
function encode(protocol: Protocol, write: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter(protocol);
  write(w);
  assert.equal(w.length, w.pending().length);
  return out(w);
}

/** Asserts the same output for RESP2 and RESP3. */
function both(write: (w: ReplyWriter) => void, expected: string): void {
  assert.equal(encode(2, write), expected, "RESP2");
  assert.equal(encode(3, write), expected, "RESP3");
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");

Deno.test("defaults to RESP2", () => {
  const w = new ReplyWriter();
  assert.equal(w.protocol, 2);
  w.null();
  assert.equal(out(w), "$-1\r\n");
});

Deno.test("simple strings and ok", () => {
  both((w) => w.simple("PONG"), "+PONG\r\n");
  both((w) => w.simple(""), "+\r\n");
  both((w) => w.ok(), "+OK\r\n");
  const long = "x".repeat(200) + "\xe9\xff";
  both((w) => w.simple(long), "+" + long + "\r\n");
});

Deno.test("errors: CR and LF become spaces", () => {
  both((w) => w.error("ERR unknown command"), "-ERR unknown command\r\n");
  both((w) => w.error("ERR a\r\nb\nc\rd"), "-ERR a  b c d\r\n");
  both(
    (w) => w.error("WRONGTYPE Operation against a key holding the wrong kind of value"),
    [
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ].join(""),
  );
  const long = "ERR " + "y".repeat(100) + "\n" + "z".repeat(100);
  both((w) => w.error(long), "-ERR " + "y".repeat(100) + " " + "z".repeat(100) + "\r\n");
});

Deno.test("integers: small, negative, large, bigint", () => {
  const cases: [number | bigint, string][] = [
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [9, "9"],
    [10, "10"],
    [-1, "-1"],
    [-9, "-9"],
    [-10, "-10"],
    [99, "99"],
    [100, "100"],
    [123456789, "123456789"],
    [-987654321, "-987654321"],
    [2 ** 31, "2147483648"],
    [-(2 ** 32), "-4294967296"],
    [1e15, "1000000000000000"],
    [Number.MAX_SAFE_INTEGER, "9007199254740991"],
    [Number.MIN_SAFE_INTEGER, "-9007199254740991"],
    [0n, "0"],
    [-1n, "-1"],
    [9223372036854775807n, "9223372036854775807"],
    [-9223372036854775808n, "-9223372036854775808"],
  ];
  for (const [n, text] of cases) {
    both((w) => w.integer(n), `:${text}\r\n`);
  }
  for (let k = 0; k < 53; k++) {
    both((w) => w.integer(2 ** k), `:${2n ** BigInt(k)}\r\n`);
    both((w) => w.integer(-(2 ** k) + 1), `:${-(2n ** BigInt(k)) + 1n}\r\n`);
  }
});

Deno.test("integers: seeded random safe integers", () => {
  const rnd = mulberry32(7);
  const w = new ReplyWriter(2);
  let expected = "";
  for (let i = 0; i < 5000; i++) {
    const digits = 1 + Math.floor(rnd() * 15);
    const n = Math.floor(rnd() * 10 ** digits) * (rnd() < 0.5 ? -1 : 1);
    w.integer(n);
    expected += `:${BigInt(n)}\r\n`;
  }
  assert.equal(out(w), expected);
});

Deno.test("bulk strings: empty, binary, short and long", () => {
  both((w) => w.bulk(""), "$0\r\n\r\n");
  both((w) => w.bulk("foo"), "$3\r\nfoo\r\n");
  both((w) => w.bulk("a\r\nb"), "$4\r\na\r\nb\r\n");
  // Every byte value, each encoded as exactly one byte.
  both((w) => w.bulk(ALL_BYTES), "$256\r\n" + ALL_BYTES + "\r\n");
  for (let len = 0; len <= 130; len++) {
    const s = Array.from({ length: len }, (_, i) => String.fromCharCode(255 - ((i * 7) & 255))).join("");
    both((w) => w.bulk(s), `$${len}\r\n${s}\r\n`);
  }
  const high = "\x80\x9f\xa0\xe9\xff";
  const bytes = encode(2, (w) => w.bulk(high));
  assert.deepEqual(bin(bytes), new Uint8Array([36, 53, 13, 10, 0x80, 0x9f, 0xa0, 0xe9, 0xff, 13, 10]));
});

Deno.test("bulk helpers: bulkBytes, bulkOrNull, bulkNumber, bulkArray", () => {
  both((w) => w.bulkBytes(bin(ALL_BYTES)), "$256\r\n" + ALL_BYTES + "\r\n");
  both((w) => w.bulkBytes(new Uint8Array(0)), "$0\r\n\r\n");
  both((w) => w.bulkBytes(bin("xyz").subarray(1)), "$2\r\nyz\r\n");
  both((w) => w.bulkOrNull("v"), "$1\r\nv\r\n");
  both((w) => w.bulkOrNull(""), "$0\r\n\r\n");
  assert.equal(encode(2, (w) => w.bulkOrNull(null)), "$-1\r\n");
  assert.equal(encode(2, (w) => w.bulkOrNull(undefined)), "$-1\r\n");
  assert.equal(encode(3, (w) => w.bulkOrNull(null)), "_\r\n");
  both((w) => w.bulkNumber(-42), "$3\r\n-42\r\n");
  both((w) => w.bulkNumber(9223372036854775807n), "$19\r\n9223372036854775807\r\n");
  both((w) => w.bulkArray([]), "*0\r\n");
  both((w) => w.bulkArray(["a", "", "\xff\x00"]), "*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\n\xff\x00\r\n");
});

Deno.test("null and nullArray: $-1 / *-1 in RESP2, _ in RESP3", () => {
  assert.equal(encode(2, (w) => w.null()), "$-1\r\n");
  assert.equal(encode(2, (w) => w.nullArray()), "*-1\r\n");
  assert.equal(encode(3, (w) => w.null()), "_\r\n");
  assert.equal(encode(3, (w) => w.nullArray()), "_\r\n");
});

Deno.test("aggregates: array, map, set, push", () => {
  both((w) => w.array(0), "*0\r\n");
  both((w) => w.array(3), "*3\r\n");
  both((w) => w.array(1234567), "*1234567\r\n");
  both((w) => w.array(-1), "*-1\r\n");

  assert.equal(encode(2, (w) => w.map(0)), "*0\r\n");
  assert.equal(encode(2, (w) => w.map(3)), "*6\r\n");
  assert.equal(encode(2, (w) => w.map(7)), "*14\r\n");
  assert.equal(encode(3, (w) => w.map(3)), "%3\r\n");
  assert.equal(encode(3, (w) => w.map(0)), "%0\r\n");
  assert.equal(encode(3, (w) => w.map(12)), "%12\r\n");

  assert.equal(encode(2, (w) => w.set(3)), "*3\r\n");
  assert.equal(encode(3, (w) => w.set(3)), "~3\r\n");
  assert.equal(encode(3, (w) => w.set(0)), "~0\r\n");

  assert.equal(encode(2, (w) => w.push(3)), "*3\r\n");
  assert.equal(encode(3, (w) => w.push(3)), ">3\r\n");

  // A whole nested reply, like HELLO's: a map of bulk keys to mixed values.
  const hello = (w: ReplyWriter) => {
    w.map(2);
    w.bulk("server");
    w.bulk("redis");
    w.bulk("modules");
    w.array(0);
  };
  assert.equal(encode(2, hello), "*4\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n");
  assert.equal(encode(3, hello), "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n");
});

Deno.test("doubles: bulk string in RESP2, ',' in RESP3, %.17g text", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [1.1, "1.1000000000000001"],
    [-2.5, "-2.5"],
    [3.141, "3.141"],
    [1e17, "1e+17"],
    [1e-5, "1.0000000000000001e-05"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ];
  for (const [d, text] of cases) {
    assert.equal(encode(2, (w) => w.double(d)), `$${text.length}\r\n${text}\r\n`, String(d));
    assert.equal(encode(3, (w) => w.double(d)), `,${text}\r\n`, String(d));
  }
});

Deno.test("booleans: :1/:0 in RESP2, #t/#f in RESP3", () => {
  assert.equal(encode(2, (w) => w.boolean(true)), ":1\r\n");
  assert.equal(encode(2, (w) => w.boolean(false)), ":0\r\n");
  assert.equal(encode(3, (w) => w.boolean(true)), "#t\r\n");
  assert.equal(encode(3, (w) => w.boolean(false)), "#f\r\n");
});

Deno.test("verbatim: =N txt: in RESP3, a bulk string in RESP2", () => {
  const text = "This is a verbatim\nstring";
  assert.equal(encode(3, (w) => w.verbatim(text)), "=29\r\ntxt:This is a verbatim\nstring\r\n");
  assert.equal(encode(2, (w) => w.verbatim(text)), "$25\r\nThis is a verbatim\nstring\r\n");
  assert.equal(encode(3, (w) => w.verbatim("")), "=4\r\ntxt:\r\n");
  assert.equal(encode(3, (w) => w.verbatim("# Server", "mkd")), "=12\r\nmkd:# Server\r\n");
  const long = "line\r\n".repeat(50) + "\xff";
  assert.equal(encode(3, (w) => w.verbatim(long)), `=${long.length + 4}\r\ntxt:${long}\r\n`);
});

Deno.test("raw appends bytes unchanged", () => {
  both((w) => w.raw(bin("+QUEUED\r\n")), "+QUEUED\r\n");
  both((w) => {
    w.raw(bin(ALL_BYTES));
    w.raw(new Uint8Array(0));
  }, ALL_BYTES);
});

Deno.test("the protocol can change between replies", () => {
  const w = new ReplyWriter(2);
  w.null();
  w.protocol = 3;
  w.null();
  w.map(1);
  w.protocol = 2;
  w.map(1);
  assert.equal(out(w), "$-1\r\n_\r\n%1\r\n*2\r\n");
});

Deno.test("grows past the initial buffer with many small replies", () => {
  for (const protocol of [2, 3] as const) {
    const w = new ReplyWriter(protocol);
    const rnd = mulberry32(99 + protocol);
    let expected = "";
    for (let i = 0; i < 20_000; i++) {
      const kind = Math.floor(rnd() * 4);
      if (kind === 0) {
        const len = Math.floor(rnd() * 100);
        let s = "";
        for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(rnd() * 256));
        w.bulk(s);
        expected += `$${len}\r\n${s}\r\n`;
      } else if (kind === 1) {
        w.integer(i);
        expected += `:${i}\r\n`;
      } else if (kind === 2) {
        w.array(i);
        expected += `*${i}\r\n`;
      } else {
        w.simple("OK");
        expected += "+OK\r\n";
      }
    }
    assert.ok(expected.length > 16 * 1024 * 10);
    assert.equal(w.length, expected.length);
    assert.equal(out(w), expected);
  }
});

Deno.test("grows for single big replies", () => {
  const w = new ReplyWriter(2);
  w.simple("first");
  const big = ALL_BYTES.repeat(400); // 100 KB
  w.bulk(big);
  const bigger = "\xfe".repeat(3 * 1024 * 1024 + 17);
  w.bulkBytes(bin(bigger));
  w.error("ERR " + "e".repeat(70_000));
  w.integer(1);
  assert.equal(
    out(w),
    "+first\r\n" + `$${big.length}\r\n${big}\r\n` + `$${bigger.length}\r\n${bigger}\r\n` +
      `-ERR ${"e".repeat(70_000)}\r\n` + ":1\r\n",
  );
});

Deno.test("reset forgets the output, also after the buffer grew", () => {
  const w = new ReplyWriter(3);
  w.bulk("abc");
  w.reset();
  assert.equal(w.length, 0);
  assert.equal(w.pending().length, 0);
  w.simple("x");
  assert.equal(out(w), "+x\r\n");

  w.bulk("q".repeat(2 * 1024 * 1024));
  assert.equal(w.length, "+x\r\n".length + "$2097152\r\n".length + 2 * 1024 * 1024 + 2);
  w.reset();
  assert.equal(out(w), "");
  w.null();
  w.bulk("after");
  assert.equal(out(w), "_\r\n$5\r\nafter\r\n");
  // Still grows correctly after having shrunk back.
  const s = "\x80".repeat(40_000);
  w.bulk(s);
  assert.equal(out(w), "_\r\n$5\r\nafter\r\n" + `$40000\r\n${s}\r\n`);
});

Deno.test("truncate drops what was written after a mark", () => {
  const w = new ReplyWriter(2);
  w.simple("QUEUED");
  const mark = w.length;
  assert.equal(mark, 9);
  w.array(2);
  w.bulk("dropped");
  w.bulk("y".repeat(100_000));
  w.truncate(mark);
  assert.equal(w.length, mark);
  assert.equal(out(w), "+QUEUED\r\n");
  w.error("ERR replaced");
  assert.equal(out(w), "+QUEUED\r\n-ERR replaced\r\n");
  w.truncate(0);
  assert.equal(out(w), "");
  w.integer(5);
  assert.equal(out(w), ":5\r\n");
});

Deno.test("take hands over the output, which stays intact while later replies are written", () => {
  const w = new ReplyWriter(2);
  w.simple("first");
  const first = w.take();
  assert.equal(w.length, 0);
  w.bulk("x".repeat(100));
  assert.equal(new TextDecoder().decode(first), "+first\r\n");
  const second = w.take();
  assert.equal(new TextDecoder().decode(second), `$100\r\n${"x".repeat(100)}\r\n`);
  // Buffers alternate: the third take reuses the first one's memory.
  w.integer(7);
  assert.equal(new TextDecoder().decode(w.take()), ":7\r\n");
  w.bulk("y".repeat(2 * 1024 * 1024));
  const big = w.take();
  assert.equal(big.length, 2 * 1024 * 1024 + "$2097152\r\n\r\n".length);
  w.simple("after");
  assert.equal(out(w), "+after\r\n");
  assert.equal(big[0], "$".charCodeAt(0));
});

Deno.test("big numbers: '(' in RESP3, a bulk string in RESP2; attributes: '|'", () => {
  const digits = "1234567999999999999999999999999999999";
  assert.equal(encode(3, (w) => w.bigNumber(digits)), `(${digits}\r\n`);
  assert.equal(encode(2, (w) => w.bigNumber(digits)), `$37\r\n${digits}\r\n`);
  assert.equal(encode(3, (w) => w.bigNumber("-5")), "(-5\r\n");
  assert.equal(encode(3, (w) => w.attribute(1)), "|1\r\n");
  assert.equal(encode(3, (w) => w.attribute(12)), "|12\r\n");
});
