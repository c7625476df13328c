import assert from "node:assert/strict";
import { quoteArg, splitArgs } from "./split_args.ts";
import { mulberry32 } from "../../tests/prng.ts";

function check(line: string, expected: string[] | null): void {
  assert.deepEqual(splitArgs(line), expected, JSON.stringify(line));
}

Deno.test("plain words, spaces and tabs", () => {
  check("PING", ["PING"]);
  check("SET key value", ["SET", "key", "value"]);
  check("   a   b   ", ["a", "b"]);
  check("\ta\tb\t", ["a", "b"]);
  check(" \t \t ", []);
  check("", []);
  check("a\rb", ["a", "b"]);
  check("a\nb", ["a", "b"]);
  // \v and \f are skipped between arguments but do not end an unquoted one.
  check("\x0b\x0c a", ["a"]);
  check("a\x0bb", ["a\x0bb"]);
  check("a\x0cb c", ["a\x0cb", "c"]);
  // Bytes 128-255 are ordinary characters.
  check("\xe9\xff\x80 \xa0", ["\xe9\xff\x80", "\xa0"]);
});

Deno.test("double quotes: escapes", () => {
  check('"a b"', ["a b"]);
  check('SET "a b" c', ["SET", "a b", "c"]);
  check('"a\\nb\\rc\\td\\be\\af\\qg\\\\h\\"i"', ['a\nb\rc\td\be\x07fqg\\h"i']);
  check('"\\x41\\x4a\\x4A\\xff\\x00z"', ["AJJ\xff\x00z"]);
  check('"\\xe9"', ["\xe9"]);
  // Not two hex digits: \x is just x.
  check('"\\x4"', ["x4"]);
  check('"\\xg1"', ["xg1"]);
  check('"\\x4g"', ["x4g"]);
  // A quote may start in the middle of an argument.
  check('a"b c" d', ["ab c", "d"]);
});

Deno.test("single quotes: only \\' is an escape", () => {
  check("'a b'", ["a b"]);
  check("'it\\'s'", ["it's"]);
  check("'a\\nb'", ["a\\nb"]);
  check("'\\x41'", ["\\x41"]);
  check("'say \"hi\"'", ['say "hi"']);
  check("'a\\\\'", null); // \\ is two chars; the final ' is then escaped: unterminated
});

Deno.test("empty arguments", () => {
  check('""', [""]);
  check("''", [""]);
  check('"" ""', ["", ""]);
  check('SET k ""', ["SET", "k", ""]);
  check('x""', ["x"]);
});

Deno.test("closing quote must be followed by a space or the end", () => {
  check('"a"b', null);
  check("'a'b", null);
  check("a'b c'd", null);
  check('"a"\tb', ["a", "b"]);
  check("'a' b", ["a", "b"]);
  check('"a"\x0bb', ["a", "b"]);
  check('"a"\rb', ["a", "b"]);
  check('"a"', ["a"]);
});

Deno.test("unbalanced quotes", () => {
  check('SET "a b', null);
  check("SET 'a b", null);
  check('"', null);
  check("'", null);
  check('"a\\"', null);
  check('"ab\\', null);
  check("x'", null);
});

Deno.test("a NUL byte ends the line, as in C", () => {
  check("a b\x00c d", ["a", "b"]);
  check("\x00a", []);
  check('"a\x00b"', null);
});

/** Lines of tricky characters, with the arguments Redis 7.0.15 split them into (null: unbalanced quotes). */
const REDIS_SPLITS: [string, string[] | null][] = [
  ["x\r", ["x"]],
  ["x\xe9\\\t\\n\xffFn'r\t", null],
  ["xa\t\xffF", ["xa", "\xffF"]],
  ['x\t\xfft\x0b0"', null],
  ["xF4\r\\4F\r\x0c \x0c", ["xF4", "\\4F"]],
  ["x\r", ["x"]],
  ["xFt\x0bFttb\xe9", ["xFt\x0bFttb\xe9"]],
  ['x\xff Fbnax\\t"\ra\x0c', null],
  ["x\tFxt", ["x", "Fxt"]],
  ["x0rrx\taa", ["x0rrx", "aa"]],
  ["xF", ["xF"]],
  ["x 0\x01 \xff0rFFbbnx", ["x", "0\x01", "\xff0rFFbbnx"]],
  ["x\"r'\\arFr", null],
  ["xF\xffn", ["xF\xffn"]],
  ['x"r"\t\\"\r\x0cr\ttF0', null],
  ["xa", ["xa"]],
  ['xb4FF\xe9"baa', null],
  ["x'\t\x0bxxn\xe9\\n\xff\t\xe9x'", ["x\t\x0bxxn\xe9\\n\xff\t\xe9x"]],
  ["xaab\\4nt\x0ba", ["xaab\\4nt\x0ba"]],
  ["xb0\x0bx\t\xffr0\\x\xe9", ["xb0\x0bx", "\xffr0\\x\xe9"]],
  ["x'", null],
  ["xa\x0bFr\xff\x01ra\xffn\x0b\r'", null],
  ["x\t\r \tn", ["x", "n"]],
  ["x\xe9\x0b4", ["x\xe9\x0b4"]],
  ["x\xe9\xff'x \x01tn", null],
  ["x'\x0ca\xffrFFar", null],
  ["xa4\tt\x0b\t'\x01x\xffaat", null],
  ['xrbr\\"\xff 04\r\xe9', null],
  ["xxrnt\x0b\x01\\\xe9", ["xxrnt\x0b\x01\\\xe9"]],
  ["x'0\"\xe9Fn'\\'bb\"", null],
  ["x\t\x0c\t\xff\xe9\x0c", ["x", "\xff\xe9\x0c"]],
  ['x00\x01b\xe9\xe9rt "n', null],
  ["x4\rt ", ["x4", "t"]],
  ['x\x0c"\x0c', null],
  ["xrF\tnbt", ["xrF", "nbt"]],
  ["xF\\bF' \x0c\\ n'\xffr", null],
  ['x"\rt\xe94b', null],
  ["xtrn\trt'FFa", null],
  ['x x"\\', null],
  ["xrr0\xe9\x0c\x01\r", ["xrr0\xe9\x0c\x01"]],
  ["x\ta'", null],
  ["x\r\x01\tFbF", ["x", "\x01", "FbF"]],
  ["x\x0b4\t\r", ["x\x0b4"]],
  ["x\tn0\xff4", ["x", "n0\xff4"]],
  ["x\\0 \xe9F\\", ["x\\0", "\xe9F\\"]],
  ["xbFaar\xff\xff\xffb", ["xbFaar\xff\xff\xffb"]],
  ["x\x0b0\x0c\\a'n'", ["x\x0b0\x0c\\an"]],
  ["xrt\x0b4\t b \x0crr\x0c", ["xrt\x0b4", "b", "rr\x0c"]],
  ["xa", ["xa"]],
  ["xn0ba\x0b", ["xn0ba\x0b"]],
  ['xr"xa4\xff\r4"t"x\'', null],
  ["x\\\x0crx\r\t", ["x\\\x0crx"]],
  ["xa\tt\r' \"\x01a\x0c", null],
  ["x\x0ca\r", ["x\x0ca"]],
  ["x\xe9\rtF\x01axt \x01'\xe9tx", null],
  ["xrr\r\\ Ft0\x0bt", ["xrr", "\\", "Ft0\x0bt"]],
  ["x0\x01\\\r0 \r\xe9n", ["x0\x01\\", "0", "\xe9n"]],
  ["x\"n nt4'", null],
  ["x\xe9F0b4a", ["x\xe9F0b4a"]],
  ["x\xff'a\xffba\x0bb\x0b\x0c", null],
];

Deno.test("agrees with Redis 7.0.15 on 60 random lines", () => {
  assert.equal(REDIS_SPLITS.length, 60);
  for (const [line, expected] of REDIS_SPLITS) check(line, expected);
});

Deno.test("quoted reprs of 2,000 seeded random binary args split back to the args", () => {
  const rnd = mulberry32(4242);
  for (let i = 0; i < 2000; i++) {
    const args: string[] = [];
    const count = 1 + Math.floor(rnd() * 5);
    for (let a = 0; a < count; a++) {
      const len = Math.floor(rnd() * 12);
      let s = "";
      for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(rnd() * 256));
      args.push(s);
    }
    const sep = () => [" ", "\t", "  ", " \t "][Math.floor(rnd() * 4)];
    const line = args.map(quoteArg).join(sep());
    assert.deepEqual(splitArgs(sep() + line), args, line);
  }
});
