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
