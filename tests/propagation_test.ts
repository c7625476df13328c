/**
 * Every change to the data set reaches the one propagation point as a
 * deterministic command (DESIGN.md §6): relative times become absolute, expiry
 * becomes DEL, and commands that change nothing propagate nothing.
 */
import assert from "node:assert/strict";
import { RawConnection, waitFor, withServer } from "./helpers.ts";

Deno.test("writes are propagated as deterministic effects", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((db, argv) => effects.push([String(db), ...argv]));
    const conn = await RawConnection.open(port);
    const before = Date.now();
    await conn.command("SET", "plain", "v");
    await conn.command("SET", "timed", "v", "EX", "100");
    await conn.command("SET", "kept", "v", "KEEPTTL");
    await conn.command("SET", "plain", "w", "NX"); // not set: nothing to propagate
    await conn.command("EXPIRE", "plain", "50");
    await conn.command("EXPIRE", "missing", "50");
    await conn.command("PEXPIRE", "kept", "-1"); // in the past: deleted
    await conn.command("DEL", "missing");
    await conn.command("SELECT", "2");
    await conn.command("MSET", "a", "1", "b", "2");
    await conn.command("GETDEL", "a");
    await conn.command("FLUSHDB");
    const after = Date.now();

    const at = (effect: string[]) => Number(effect[effect.length - 1]);
    assert.deepEqual(effects[0], ["0", "SET", "plain", "v"]);
    assert.deepEqual(effects[1].slice(0, 5), ["0", "SET", "timed", "v", "PXAT"]);
    assert.ok(at(effects[1]) >= before + 100_000 && at(effects[1]) <= after + 100_000);
    assert.deepEqual(effects[2], ["0", "SET", "kept", "v", "KEEPTTL"]);
    assert.deepEqual(effects[3].slice(0, 3), ["0", "PEXPIREAT", "plain"]);
    assert.ok(at(effects[3]) >= before + 50_000 && at(effects[3]) <= after + 50_000);
    assert.deepEqual(effects[4], ["0", "DEL", "kept"]);
    assert.deepEqual(effects.slice(5), [
      ["2", "MSET", "a", "1", "b", "2"],
      ["2", "DEL", "a"],
      ["2", "FLUSHDB"],
    ]);
    assert.equal(server.dirty, effects.length);
    conn.close();
  });
});

Deno.test("a key expired by the server is propagated as DEL", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((db, argv) => effects.push([String(db), ...argv]));
    const conn = await RawConnection.open(port);
    await conn.command("SET", "short", "v", "PX", "20");
    await waitFor(() => effects.length === 2, "the active cycle to expire the key");
    assert.deepEqual(effects[1], ["0", "DEL", "short"]);
    assert.equal(await conn.command("EXISTS", "short"), 0);
    conn.close();
  });
});

Deno.test("each write tells the modified-keys listeners which keys of which database it changed", async () => {
  await withServer(async ({ port, server }) => {
    const modified: string[] = [];
    server.onModifiedKeys({
      listening: true,
      keysModified: (db, keys) => modified.push(`${db.index}:${keys === null ? "*" : keys.join(",")}`),
    });
    const conn = await RawConnection.open(port);
    await conn.command("SET", "a", "1");
    await conn.command("MSET", "b", "2", "c", "3");
    await conn.command("GET", "a"); // a read: nothing
    await conn.command("SET", "a", "x", "NX"); // changes nothing: nothing
    await conn.command("SINTERSTORE", "d", "b", "c"); // WRONGTYPE: nothing
    await conn.command("SADD", "s", "1");
    await conn.command("SINTERCARD", "1", "s"); // numkeys form, a read
    await conn.command("RENAME", "a", "r");
    await conn.command("MOVE", "r", "3");
    await conn.command("COPY", "b", "b2", "DB", "4");
    await conn.command("COPY", "c", "c2");
    await conn.command("SWAPDB", "3", "4");
    await conn.command("FLUSHDB");
    await conn.command("SELECT", "5");
    await conn.command("FLUSHALL");
    assert.deepEqual(modified.slice(0, 9), [
      "0:a",
      "0:b,c",
      "0:s",
      "0:a,r",
      "0:r",
      "3:r",
      "4:b2",
      "0:c2",
      "3:*",
    ]);
    assert.deepEqual(modified.slice(9, 11), ["4:*", "0:*"]);
    assert.deepEqual(modified.slice(11), Array.from({ length: 16 }, (_, i) => `${i}:*`));
    conn.close();
  });
});
