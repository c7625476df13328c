import assert from "node:assert/strict";
import { CommandLookahead } from "./lookahead.ts";
import { ProtocolError, RespDecoder } from "../resp/decoder.ts";
import { CommandTable } from "../commands/table.ts";
import { commandDefinitions } from "../commands/mod.ts";
import { AccessClock } from "../store/access_clock.ts";
import { Database } from "../store/database.ts";
import { SetValue } from "../store/set.ts";
import { mulberry32 } from "../../tests/prng.ts";

const table = new CommandTable(commandDefinitions);
const encoder = new TextEncoder();

function frame(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join("");
}

function setup() {
  const decoder = new RespDecoder();
  const lookahead = new CommandLookahead(decoder, table);
  const db = new Database(0, { keyExpired() {}, keyReady() {} }, new AccessClock());
  return { decoder, lookahead, db, feed: (text: string) => decoder.push(encoder.encode(text)) };
}

Deno.test("lookahead hands out a pipeline's commands in order, with their table entries, then waits for more", () => {
  const { lookahead, db, feed } = setup();
  feed(
    frame("SET", "a", "1") + frame("PING") + frame("nosuchcommand", "x") + frame("GET", "a") +
      "*2\r\n$3\r\nGET",
  );
  const taken: [string[], string | undefined][] = [];
  let argv: string[] | null;
  while ((argv = lookahead.take(db)) !== null) taken.push([argv, lookahead.taken?.name]);
  assert.deepEqual(taken, [
    [["SET", "a", "1"], "set"],
    [["PING"], "ping"],
    [["nosuchcommand", "x"], undefined],
    [["GET", "a"], "get"],
  ]);
  feed("\r\n$1\r\nb\r\n");
  assert.deepEqual(lookahead.take(db), ["GET", "b"]);
  assert.equal(lookahead.take(db), null);
});

Deno.test("lookahead throws a protocol error only after the commands before the broken frame", () => {
  const { lookahead, db, feed } = setup();
  feed(frame("SET", "a", "1") + frame("SET", "b", "2") + "*1\r\n$x\r\n" + frame("SET", "c", "3"));
  assert.deepEqual(lookahead.take(db), ["SET", "a", "1"]);
  assert.deepEqual(lookahead.take(db), ["SET", "b", "2"]);
  assert.throws(() => lookahead.take(db), (error) => error instanceof ProtocolError);
});

Deno.test("lookahead decodes nothing past an admin command or a subcommand container until it is taken", () => {
  const { decoder, lookahead, db, feed } = setup();
  const after = frame("SET", "k", "v");
  for (
    const command of [["CONFIG", "SET", "proto-max-bulk-len", "1mb"], ["BGSAVE"], ["CLIENT", "SETNAME", "x"]]
  ) {
    feed(frame("GET", "k") + frame(...command) + after);
    assert.deepEqual(lookahead.take(db), ["GET", "k"]);
    assert.deepEqual(lookahead.take(db), command);
    // What follows is still bytes, so a limit the command changes applies to it.
    assert.equal(decoder.buffered, after.length);
    assert.deepEqual(lookahead.take(db), ["SET", "k", "v"]);
    assert.equal(lookahead.take(db), null);
  }
});

Deno.test("lookups after warming find what a plain lookup finds, in pipelines over 10,000 random keys", () => {
  const { lookahead, db, feed } = setup();
  const model = new Map<string, string>();
  const random = mulberry32(4242);
  for (let i = 0; i < 5_000; i++) {
    const key = `key:${Math.floor(random() * 10_000)}`;
    db.set(key, `v${i}`);
    model.set(key, `v${i}`);
    // Some keys with a TTL (their expiry times are warmed too), a few of them past it: gone.
    const ttl = random();
    if (ttl < 0.3) db.setExpiry(key, Date.now() + 3_600_000);
    else if (ttl < 0.35) {
      db.setExpiry(key, Date.now() - 1);
      model.delete(key);
    }
  }
  for (let round = 0; round < 500; round++) {
    let pipeline = "";
    const size = 1 + Math.floor(random() * 40);
    for (let i = 0; i < size; i++) pipeline += frame("GET", `key:${Math.floor(random() * 10_000)}`);
    feed(pipeline);
    let argv: string[] | null;
    let taken = 0;
    while ((argv = lookahead.take(db)) !== null) {
      taken++;
      // The command's own lookup, of its primed key, and an unrelated one in between.
      const other = `key:${Math.floor(random() * 10_000)}`;
      if (taken % 3 === 0) assert.equal(db.get(other), model.get(other));
      assert.equal(db.get(argv[1]), model.get(argv[1]), argv[1]);
    }
    assert.equal(taken, size);
  }
});

Deno.test("members warmed and primed for a pipeline on one set are found as a plain lookup finds them", () => {
  const { lookahead, db, feed } = setup();
  const set = new SetValue();
  const model = new Set<string>();
  const random = mulberry32(99);
  // The empty member too: the primed member's initial value.
  for (const member of ["", ...Array.from({ length: 3000 }, (_, i) => `m${i * 2}`)]) {
    set.add(member, 512);
    model.add(member);
  }
  db.set("s", set);
  assert.equal(set.encoding(), "hashtable");
  const member = () => random() < 0.05 ? "" : `m${Math.floor(random() * 6000)}`;
  for (let round = 0; round < 300; round++) {
    let pipeline = "";
    const size = 1 + Math.floor(random() * 40);
    // Mostly one set; sometimes another key in between, which turns member warming off for the read.
    for (let i = 0; i < size; i++) {
      pipeline += random() < 0.1 ? frame("SISMEMBER", "other", member()) : frame("SISMEMBER", "s", member());
    }
    feed(pipeline);
    let argv: string[] | null;
    while ((argv = lookahead.take(db)) !== null) {
      if (argv[1] === "s") assert.equal(set.has(argv[2]), model.has(argv[2]), argv[2]);
      // A lookup of another member in between.
      const other = member();
      assert.equal(set.has(other), model.has(other));
    }
  }
});

Deno.test("lookahead reads on into the values of collection commands' keys and string reads', not string writes'", () => {
  const { lookahead, db, feed } = setup();
  let warmed = 0;
  class CountedSet extends SetValue {
    override warm(): number {
      warmed++;
      return super.warm();
    }
  }
  for (const key of ["s1", "s2", "s3"]) {
    const set = new CountedSet();
    set.add("m", 512);
    db.set(key, set);
  }
  const drain = () => {
    while (lookahead.take(db) !== null);
  };
  feed(frame("SET", "s1", "v") + frame("TYPE", "s2") + frame("APPEND", "s3", "v"));
  drain();
  assert.equal(warmed, 0);
  // At most once per key: the value found for each key's hash, not again for the same one in a row.
  const warmedBy = (pipeline: string): number => {
    warmed = 0;
    feed(pipeline);
    drain();
    return warmed;
  };
  const collectionReads = warmedBy(
    frame("SISMEMBER", "s1", "m") + frame("SCARD", "s2") + frame("SADD", "s3", "n"),
  );
  assert.ok(collectionReads >= 1 && collectionReads <= 3, `${collectionReads}`);
  const stringReads = warmedBy(
    frame("GET", "s1") + frame("STRLEN", "s2") + frame("GETRANGE", "s3", "0", "1"),
  );
  assert.ok(stringReads >= 1 && stringReads <= 3, `${stringReads}`);
});
