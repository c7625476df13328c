import assert from "node:assert/strict";
import { ProtocolError, RespDecoder } from "./decoder.ts";
import { mulberry32 } from "../../tests/prng.ts";

// ---------------------------------------------------------------------------
// Helpers (independent of the code under test)

/** A binary string (one char per byte) as bytes. */
function bin(s: string): Uint8Array {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** A RESP multibulk request. */
function multibulk(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const arg of args) s += `$${arg.length}\r\n${arg}\r\n`;
  return s;
}

/** Every complete command available now. */
function drain(decoder: RespDecoder, into: string[][] = []): string[][] {
  for (let command = decoder.next(); command !== null; command = decoder.next()) into.push(command);
  return into;
}

/** Feeds `stream` through `push` in chunks cut at `cuts` (ascending offsets), draining after each. */
function decodeWithCuts(
  stream: Uint8Array,
  cuts: readonly number[],
  decoder = new RespDecoder(),
): string[][] {
  const commands: string[][] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    decoder.push(stream.subarray(from, cut));
    drain(decoder, commands);
    from = cut;
  }
  return commands;
}

/**
 * Feeds `stream` the way the server reads a socket: into `writable()`, at most
 * `sizes()` bytes at a time, then `commit(n)` and drain. The free space past what is
 * committed is first filled with protocol-looking junk, which must be ignored.
 */
function decodeViaWritable(stream: Uint8Array, sizes: () => number, decoder = new RespDecoder()): string[][] {
  const commands: string[][] = [];
  const junk = bin("\r\n*1\r\n$1\r\nX\r\n\n");
  let offset = 0;
  while (offset < stream.length) {
    const space = decoder.writable();
    assert.ok(space.length > 0, "writable() returned no space");
    const n = Math.min(sizes(), space.length, stream.length - offset);
    const junkEnd = Math.min(space.length, n + 64);
    for (let i = n; i < junkEnd; i++) space[i] = junk[i % junk.length];
    space.set(stream.subarray(offset, offset + n));
    decoder.commit(n);
    offset += n;
    drain(decoder, commands);
  }
  return commands;
}

/** Fast equality with a useful assertion message on the first difference. */
function assertSameCommands(actual: string[][], expected: string[][], context: string): void {
  const sameCommand = (a: string[], b: string[]) =>
    a.length === b.length && a.every((arg, i) => arg === b[i]);
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (!sameCommand(actual[i], expected[i])) {
      const show = (c: string[]) =>
        JSON.stringify(c.map((a) => (a.length > 80 ? `${a.slice(0, 80)}...(${a.length})` : a)));
      assert.fail(`${context}: command #${i} differs: got ${show(actual[i])}, expected ${show(expected[i])}`);
    }
  }
  assert.equal(actual.length, expected.length, `${context}: number of commands`);
}

/** Asserts that next() throws the ProtocolError with exactly this message. */
function assertProtocolError(decoder: RespDecoder, message: string): void {
  assert.throws(
    () => drain(decoder),
    (e: unknown) => {
      assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${e}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");

// ---------------------------------------------------------------------------
// 1. Chunking: any split of the stream decodes to the same commands

/** Pieces of a request stream and the commands each one decodes to. */
const SAMPLE: [wire: string, commands: string[][]][] = [
  [multibulk(["SET", "key", ALL_BYTES]), [["SET", "key", ALL_BYTES]]],
  [multibulk(["ECHO", ""]), [["ECHO", ""]]],
  [multibulk(["\r\n", "\r\n\r\n", "*1\r\n$3\r\nfoo\r\n", "\n\r", "$-1"]), [[
    "\r\n",
    "\r\n\r\n",
    "*1\r\n$3\r\nfoo\r\n",
    "\n\r",
    "$-1",
  ]]],
  ["*0\r\n", []],
  ["*-1\r\n", []],
  ["\r\n", []],
  ["\n", []],
  ["  \t \r\n", []],
  [`SET "a b" 'c\\'d' "\\x41\\r\\n\\xff" ""\r\n`, [["SET", "a b", "c'd", "A\r\n\xff", ""]]],
  ["PING\n", [["PING"]]],
  ["\tGET   k\t\r\n", [["GET", "k"]]],
  [multibulk(["MSET", ...Array.from({ length: 24 }, (_, i) => "x".repeat(i))]), [
    ["MSET", ...Array.from({ length: 24 }, (_, i) => "x".repeat(i))],
  ]],
  [multibulk([ALL_BYTES.slice(128) + ALL_BYTES.slice(0, 128)]), [[
    ALL_BYTES.slice(128) + ALL_BYTES.slice(0, 128),
  ]]],
  [multibulk(["PING"]), [["PING"]]],
];

/** A stream around a bulk at the size where the decoder switches to gathering big bulks. */
function bigSample(size: number): [string, string[][]] {
  const value = ALL_BYTES.repeat(Math.ceil(size / 256)).slice(0, size);
  return [
    "PING\r\n" + multibulk(["SET", "big", value]) + multibulk(["GET", "big"]),
    [["PING"], ["SET", "big", value], ["GET", "big"]],
  ];
}

function checkEveryTwoChunkSplit(wire: string, expected: string[][], context: string): void {
  const stream = bin(wire);
  assertSameCommands(decodeWithCuts(stream, []), expected, `${context}: one chunk`);
  for (let cut = 0; cut <= stream.length; cut++) {
    assertSameCommands(decodeWithCuts(stream, [cut]), expected, `${context}: split at ${cut}`);
  }
}

Deno.test("decoder: every two-chunk split of a mixed stream decodes the same", () => {
  const wire = SAMPLE.map(([w]) => w).join("");
  const expected = SAMPLE.flatMap(([, c]) => c);
  checkEveryTwoChunkSplit(wire, expected, "mixed stream");
});

Deno.test("decoder: every two-chunk split around big bulks (32767, 32768, 33000 bytes)", () => {
  for (const size of [32767, 32768, 33000]) {
    const [wire, expected] = bigSample(size);
    checkEveryTwoChunkSplit(wire, expected, `bulk of ${size}`);
  }
});

Deno.test("decoder: the mixed stream byte by byte, and each piece in three chunks", () => {
  const wire = SAMPLE.map(([w]) => w).join("");
  const expected = SAMPLE.flatMap(([, c]) => c);
  const stream = bin(wire);
  const everyByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
  assertSameCommands(decodeWithCuts(stream, everyByte), expected, "byte by byte");
  assertSameCommands(decodeViaWritable(stream, () => 1), expected, "byte by byte via writable()");
  // Each piece alone, at every pair of cuts.
  for (const [piece, commands] of SAMPLE) {
    const bytes = bin(piece);
    if (bytes.length > 300) continue;
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        assertSameCommands(
          decodeWithCuts(bytes, [a, b]),
          commands,
          `${JSON.stringify(piece)} cut at ${a},${b}`,
        );
      }
    }
  }
});

/** A random request: multibulk (binary args, sometimes big), inline, or empty. */
function randomRequest(rnd: () => number): [string, string[][]] {
  const kind = rnd();
  if (kind < 0.75) {
    const argc = 1 + Math.floor(rnd() * 6);
    const args: string[] = [];
    for (let a = 0; a < argc; a++) {
      const r = rnd();
      const len = r < 0.8
        ? Math.floor(rnd() * 17)
        : r < 0.97
        ? 17 + Math.floor(rnd() * 300)
        : r < 0.999
        ? 300 + Math.floor(rnd() * 5000)
        : 32_000 + Math.floor(rnd() * 40_000);
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        // Lots of protocol bytes, to tempt a decoder into looking inside bulks.
        bytes[i] = rnd() < 0.2 ? [13, 10, 42, 36, 0][Math.floor(rnd() * 5)] : Math.floor(rnd() * 256);
      }
      let s = "";
      for (let i = 0; i < len; i++) s += String.fromCharCode(bytes[i]);
      args.push(s);
    }
    return [multibulk(args), [args]];
  }
  if (kind < 0.95) {
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.-";
    const argc = 1 + Math.floor(rnd() * 4);
    const args: string[] = [];
    let line = rnd() < 0.2 ? " " : "";
    for (let a = 0; a < argc; a++) {
      if (a > 0) line += [" ", "\t", "  ", " \t "][Math.floor(rnd() * 4)];
      if (rnd() < 0.15) {
        line += '"a b\\x41\\n"';
        args.push("a bA\n");
      } else {
        const len = 1 + Math.floor(rnd() * 10);
        let word = "";
        for (let i = 0; i < len; i++) word += alphabet[Math.floor(rnd() * alphabet.length)];
        line += word;
        args.push(word);
      }
    }
    return [line + (rnd() < 0.5 ? "\r\n" : "\n"), [args]];
  }
  return [["*0\r\n", "*-1\r\n", "\r\n", "\n", " \r\n"][Math.floor(rnd() * 5)], []];
}

function randomStream(seed: number, count: number): [Uint8Array, string[][]] {
  const rnd = mulberry32(seed);
  const pieces: string[] = [];
  const expected: string[][] = [];
  for (let i = 0; i < count; i++) {
    const [wire, commands] = randomRequest(rnd);
    pieces.push(wire);
    expected.push(...commands);
  }
  return [bin(pieces.join("")), expected];
}

/** Chunk sizes uniform in 1..max, or log-uniform up to 200 KB when max is 0. */
function sizeSource(seed: number, max: number): () => number {
  const rnd = mulberry32(seed);
  return max > 0
    ? () => 1 + Math.floor(rnd() * max)
    : () => Math.max(1, Math.floor(Math.exp(rnd() * Math.log(200_000))));
}

function randomCuts(length: number, sizes: () => number): number[] {
  const cuts: number[] = [];
  for (let at = sizes(); at < length; at += sizes()) cuts.push(at);
  return cuts;
}

const [RANDOM_STREAM, RANDOM_COMMANDS] = randomStream(20240601, 10_000);

Deno.test("decoder: 10,000 random pipelined requests, random chunking through push()", () => {
  assert.ok(RANDOM_COMMANDS.length > 9000);
  assertSameCommands(decodeWithCuts(RANDOM_STREAM, []), RANDOM_COMMANDS, "one chunk");
  for (const [seed, max] of [[1, 3], [2, 64], [3, 1500], [4, 70_000], [5, 0]]) {
    const cuts = randomCuts(RANDOM_STREAM.length, sizeSource(seed, max));
    assertSameCommands(
      decodeWithCuts(RANDOM_STREAM, cuts),
      RANDOM_COMMANDS,
      `chunks of 1..${max || "200000"}`,
    );
  }
});

Deno.test("decoder: 10,000 random pipelined requests through writable()/commit()", () => {
  for (const [seed, max] of [[11, 3], [12, 64], [13, 1500], [14, 70_000], [15, 0]]) {
    assertSameCommands(
      decodeViaWritable(RANDOM_STREAM, sizeSource(seed, max)),
      RANDOM_COMMANDS,
      `writable chunks of 1..${max || "200000"}`,
    );
  }
});

Deno.test("decoder: push() and writable()/commit() can be mixed", () => {
  const decoder = new RespDecoder();
  const rnd = mulberry32(77);
  const sizes = sizeSource(78, 5000);
  const commands: string[][] = [];
  let offset = 0;
  while (offset < RANDOM_STREAM.length) {
    const n = Math.min(sizes(), RANDOM_STREAM.length - offset);
    if (rnd() < 0.5) {
      decoder.push(RANDOM_STREAM.subarray(offset, offset + n));
      offset += n;
    } else {
      const space = decoder.writable();
      const m = Math.min(n, space.length);
      space.set(RANDOM_STREAM.subarray(offset, offset + m));
      decoder.commit(m);
      offset += m;
    }
    if (rnd() < 0.7) drain(decoder, commands);
  }
  drain(decoder, commands);
  assertSameCommands(commands, RANDOM_COMMANDS, "mixed feeding");
  assert.equal(decoder.buffered, 0);
  assert.equal(decoder.next(), null);
});

Deno.test("decoder: next() returns commands one at a time, and null when nothing is left", () => {
  const decoder = new RespDecoder();
  assert.equal(decoder.next(), null);
  assert.equal(decoder.buffered, 0);
  decoder.push(bin("PING\r\n" + multibulk(["GET", "k"]) + "*1\r\n$4\r\nEC"));
  assert.deepEqual(decoder.next(), ["PING"]);
  assert.deepEqual(decoder.next(), ["GET", "k"]);
  assert.equal(decoder.next(), null);
  assert.equal(decoder.next(), null);
  decoder.push(bin("HO\r\n"));
  assert.deepEqual(decoder.next(), ["ECHO"]);
  assert.equal(decoder.next(), null);
  assert.equal(decoder.buffered, 0);
  // Returned arrays are not reused by later commands.
  decoder.push(bin(multibulk(["A"]) + multibulk(["B"])));
  const first = decoder.next();
  const second = decoder.next();
  assert.deepEqual([first, second], [["A"], ["B"]]);
});

Deno.test("decoder: a bulk's trailing two bytes are not checked, as in Redis", () => {
  // Redis 7.0 answers "*2\r\n$4\r\nECHO\r\n$2\r\nhiXYPING\r\n" with "$2 hi" then "+PONG".
  const decoder = new RespDecoder();
  decoder.push(bin("*2\r\n$4\r\nECHO\r\n$2\r\nhiXYPING\r\n"));
  assert.deepEqual(drain(decoder), [["ECHO", "hi"], ["PING"]]);
});

// ---------------------------------------------------------------------------
// 2. Big values and huge announced sizes

/** Byte i of the 64 MB test value: every byte value, CR and LF included. */
function patternByte(i: number): number {
  return (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 255;
}

function checkBigValue(command: string[] | undefined, size: number): void {
  assert.ok(command !== undefined);
  assert.equal(command.length, 3);
  assert.equal(command[0], "SET");
  assert.equal(command[1], "k");
  const value = command[2];
  assert.equal(value.length, size);
  for (let i = 0; i < size; i++) {
    if (value.charCodeAt(i) !== patternByte(i)) assert.fail(`byte ${i} is ${value.charCodeAt(i)}`);
  }
}

const BIG = 64 * 1024 * 1024;
const READ = 64 * 1024;

function bigStream(): [Uint8Array, number] {
  const head = bin(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${BIG}\r\n`);
  const tail = bin("\r\n" + multibulk(["PING"]));
  const stream = new Uint8Array(head.length + BIG + tail.length);
  stream.set(head);
  for (let i = 0; i < BIG; i++) stream[head.length + i] = patternByte(i);
  stream.set(tail, head.length + BIG);
  return [stream, head.length];
}

Deno.test("decoder: a 64 MB bulk arriving in 64 KB chunks", () => {
  const [stream, headLength] = bigStream();
  const decoder = new RespDecoder();
  const commands: string[][] = [];
  let arrived = 0;
  let maxCapacity = 0;
  for (let offset = 0; offset < stream.length; offset += READ) {
    const chunk = stream.subarray(offset, Math.min(offset + READ, stream.length));
    decoder.push(chunk);
    arrived += chunk.length;
    drain(decoder, commands);
    maxCapacity = Math.max(maxCapacity, decoder.capacity);
    if (commands.length === 0) {
      // Everything that arrived is held, minus at most the parsed header lines.
      assert.ok(decoder.buffered <= arrived, `buffered ${decoder.buffered} > arrived ${arrived}`);
      assert.ok(decoder.buffered >= arrived - headLength - 2, `buffered ${decoder.buffered} of ${arrived}`);
    }
  }
  assert.equal(commands.length, 2);
  checkBigValue(commands[0], BIG);
  assert.deepEqual(commands[1], ["PING"]);
  assert.equal(decoder.buffered, 0);
  // The value was gathered piece by piece, not accumulated (and re-copied) in the read buffer.
  assert.ok(maxCapacity <= 1024 * 1024, `read buffer grew to ${maxCapacity}`);
});

Deno.test("decoder: a 64 MB bulk read through writable()/commit() in 64 KB reads", () => {
  const [stream] = bigStream();
  const decoder = new RespDecoder();
  let reads = 0;
  const commands = decodeViaWritable(stream, () => {
    reads++;
    return READ;
  }, decoder);
  assert.equal(commands.length, 2);
  checkBigValue(commands[0], BIG);
  assert.deepEqual(commands[1], ["PING"]);
  // Every read was given room for a useful amount of data (at least 4 KB).
  assert.ok(reads <= Math.ceil(stream.length / 4096), `${reads} reads`);
  assert.ok(decoder.capacity <= 1024 * 1024, `read buffer grew to ${decoder.capacity}`);
});

Deno.test("decoder: while a big bulk is gathered, writable() offers no more than it still needs", () => {
  const decoder = new RespDecoder();
  const len = 100_000;
  decoder.push(bin(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${len}\r\n`));
  decoder.push(new Uint8Array(1000).fill(120));
  assert.equal(decoder.next(), null);
  // Reads that take all they are offered get the rest of the data and its CRLF, and not one byte
  // of whatever follows.
  let needed = len - 1000 + 2;
  let command: string[] | null = null;
  while (command === null) {
    const space = decoder.writable();
    assert.ok(space.length <= needed, `offered ${space.length} bytes, ${needed} needed`);
    space.fill(120);
    needed -= space.length;
    if (needed === 0) space.set(bin("\r\n"), space.length - 2);
    decoder.commit(space.length);
    command = decoder.next();
  }
  assert.equal(needed, 0);
  assert.equal(command[2].length, len);
  assert.equal(decoder.buffered, 0);
  assert.ok(decoder.writable().length >= 4096, "room again once the bulk is complete");
});

Deno.test("decoder: a huge announced multibulk count costs nothing up front", () => {
  const decoder = new RespDecoder();
  decoder.push(bin("*2000000000\r\n"));
  assert.equal(decoder.next(), null);
  assert.ok(decoder.buffered <= 16, `buffered ${decoder.buffered}`);
  assert.ok(decoder.capacity <= 64 * 1024, `capacity ${decoder.capacity}`);
  for (let i = 0; i < 1000; i++) {
    decoder.push(bin("$1\r\na\r\n"));
    assert.equal(decoder.next(), null);
  }
  assert.ok(decoder.buffered <= 16, `buffered ${decoder.buffered}`);
  assert.ok(decoder.capacity <= 64 * 1024, `capacity ${decoder.capacity}`);

  // INT_MAX is still a valid count (Redis 7.0 accepts it and waits).
  const max = new RespDecoder();
  max.push(bin("*2147483647\r\n$4\r\nPING\r\n"));
  assert.equal(max.next(), null);
});

Deno.test("decoder: a huge announced bulk length costs nothing up front", () => {
  const decoder = new RespDecoder();
  // V8's longest string (2^29 - 24), the largest bulk the decoder can take.
  decoder.push(bin(`*1\r\n$${2 ** 29 - 24}\r\nabc`));
  assert.equal(decoder.next(), null);
  assert.ok(decoder.buffered <= 16, `buffered ${decoder.buffered}`);
  assert.ok(decoder.capacity <= 64 * 1024, `capacity ${decoder.capacity}`);
});

Deno.test("decoder: bulk lengths over maxBulkLen are invalid", () => {
  const limits = { maxBulkLen: 1024 };
  for (const len of ["2000000000", "1025", "3000000000"]) {
    const decoder = new RespDecoder(limits);
    decoder.push(bin(`*1\r\n$${len}\r\n`));
    assertProtocolError(decoder, "Protocol error: invalid bulk length");
  }
  const ok = new RespDecoder(limits);
  const value = "v".repeat(1024);
  ok.push(bin(multibulk(["SET", "k", value])));
  assert.deepEqual(drain(ok), [["SET", "k", value]]);
  // Past V8's string limit, even under proto-max-bulk-len (512 MB by default).
  const tooLongForV8 = new RespDecoder();
  tooLongForV8.push(bin(`*1\r\n$${2 ** 29 - 23}\r\n`));
  assertProtocolError(tooLongForV8, "Protocol error: invalid bulk length");
  // The default is Redis's proto-max-bulk-len, 512 MB.
  const byDefault = new RespDecoder();
  byDefault.push(bin(`*1\r\n$${512 * 1024 * 1024 + 1}\r\n`));
  assertProtocolError(byDefault, "Protocol error: invalid bulk length");
});

// ---------------------------------------------------------------------------
// 3. Protocol errors: Redis 7.0.15's messages (without "ERR "), checked against redis-server

function errorAfter(wire: string | string[], message: string, limits?: { maxBulkLen: number }): void {
  const decoder = new RespDecoder(limits);
  const chunks = typeof wire === "string" ? [wire] : wire;
  for (let i = 0; i < chunks.length - 1; i++) {
    decoder.push(bin(chunks[i]));
    assert.equal(decoder.next(), null, `before chunk ${i + 1} of ${JSON.stringify(chunks)}`);
  }
  decoder.push(bin(chunks[chunks.length - 1]));
  assertProtocolError(decoder, message);
}

Deno.test("decoder errors: invalid multibulk length", () => {
  for (
    const count of [
      "abc",
      "3000000000",
      "2147483648",
      "-",
      "",
      "01",
      "-0",
      "+1",
      "1 ",
      " 1",
      "1a",
      "99999999999999999999",
    ]
  ) {
    errorAfter(`*${count}\r\n$4\r\nPING\r\n`, "Protocol error: invalid multibulk length");
  }
  // Negative counts other than "-0" are empty requests, as in Redis.
  const decoder = new RespDecoder();
  decoder.push(bin("*-5\r\n*-1\r\n*0\r\nPING\r\n"));
  assert.deepEqual(drain(decoder), [["PING"]]);
});

Deno.test("decoder errors: invalid bulk length", () => {
  for (const len of ["abc", "-5", "-1", "", "3000000000", "4 ", "+4", "04", "-0"]) {
    errorAfter(`*1\r\n$${len}\r\nPING\r\n`, "Protocol error: invalid bulk length");
  }
  errorAfter(`*1\r\n$1025\r\n`, "Protocol error: invalid bulk length", { maxBulkLen: 1024 });
});

Deno.test("decoder errors: too big count strings and inline requests", () => {
  const limit = 64 * 1024;
  // Exactly 64 KB without a line end is still waited on; one byte more is an error.
  errorAfter(["*" + "1".repeat(limit - 1), "1"], "Protocol error: too big mbulk count string");
  errorAfter("*" + "1".repeat(65 * 1024), "Protocol error: too big mbulk count string");
  errorAfter(["*1\r\n$" + "1".repeat(limit - 1), "1"], "Protocol error: too big bulk count string");
  errorAfter("*1\r\n$" + "1".repeat(65 * 1024), "Protocol error: too big bulk count string");
  errorAfter(["a".repeat(limit), "a"], "Protocol error: too big inline request");
  errorAfter("a".repeat(65 * 1024), "Protocol error: too big inline request");
  // Arriving byte by byte changes nothing.
  const decoder = new RespDecoder();
  for (let i = 0; i < limit; i++) {
    decoder.push(bin("b"));
    assert.equal(decoder.next(), null);
  }
  decoder.push(bin("b"));
  assertProtocolError(decoder, "Protocol error: too big inline request");
  // A long line is fine once its end is there.
  const long = new RespDecoder();
  long.push(bin("a".repeat(limit)));
  assert.equal(long.next(), null);
  long.push(bin("\r\n"));
  assert.deepEqual(long.next(), ["a".repeat(limit)]);
});

Deno.test("decoder errors: unbalanced quotes in inline requests", () => {
  errorAfter('SET "a b\r\n', "Protocol error: unbalanced quotes in request");
  errorAfter("SET 'a b\r\n", "Protocol error: unbalanced quotes in request");
  errorAfter('ECHO "a"b\r\n', "Protocol error: unbalanced quotes in request");
  errorAfter("ECHO 'a'b\r\n", "Protocol error: unbalanced quotes in request");
  errorAfter(['ECHO "a', '"b\n'], "Protocol error: unbalanced quotes in request");
});

Deno.test("decoder errors: expected '$'", () => {
  errorAfter("*2\r\n$4\r\nECHO\r\nxyz\r\n", "Protocol error: expected '$', got 'x'");
  errorAfter("*2\r\n$4\r\nECHO\r\n*1\r\n", "Protocol error: expected '$', got '*'");
  errorAfter("*2\r\n$4\r\nECHO\r\n:1\r\n", "Protocol error: expected '$', got ':'");
  errorAfter("*1\r\n\xff\r\n", "Protocol error: expected '$', got '\xff'");
  errorAfter(["*1\r\nx", "yz", "\r", "\n"], "Protocol error: expected '$', got 'x'");
});

Deno.test("decoder errors: commands before the bad bytes come out first", () => {
  const decoder = new RespDecoder();
  decoder.push(bin("PING\r\n" + multibulk(["ECHO", "hi"]) + "*abc\r\n" + multibulk(["NEVER"])));
  assert.deepEqual(decoder.next(), ["PING"]);
  assert.deepEqual(decoder.next(), ["ECHO", "hi"]);
  assertProtocolError(decoder, "Protocol error: invalid multibulk length");

  const cases: [string, string][] = [
    ["*1\r\n$xyz\r\n", "Protocol error: invalid bulk length"],
    ['GET "k\r\n', "Protocol error: unbalanced quotes in request"],
    ["*2\r\n$3\r\nGET\r\n?\r\n", "Protocol error: expected '$', got '?'"],
    ["a".repeat(70_000), "Protocol error: too big inline request"],
    ["*" + "9".repeat(70_000), "Protocol error: too big mbulk count string"],
  ];
  for (const [bad, message] of cases) {
    const before = [["PING"], ["SET", "k", ALL_BYTES], ["GET", "k"]];
    const d = new RespDecoder();
    d.push(bin("PING\r\n" + multibulk(before[1]) + "GET k\n" + bad));
    const got: string[][] = [];
    assert.throws(
      () => drain(d, got),
      (e: unknown) => e instanceof ProtocolError && e.message === message,
      JSON.stringify(bad.slice(0, 20)),
    );
    assert.deepEqual(got, before);
  }
});
