/**
 * MEMORY: USAGE's argument errors and missing keys as redis-server, its
 * estimate growing with the value; DOCTOR, PURGE and HELP.
 */
import assert from "node:assert/strict";
import { HAVE_REDIS, RawConnection, sameRepliesAsRedis, withServer } from "./helpers.ts";

Deno.test({
  name: "MEMORY USAGE's errors and missing keys, DOCTOR and PURGE reply as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "MEMORY": [
      ["MEMORY", "USAGE", "nope"],
      ["MEMORY", "USAGE", "nope", "SAMPLES", "0"],
      ["SET", "k", "v"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "-1"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
      ["MEMORY", "USAGE", "k", "foo"],
      ["MEMORY", "USAGE", "k", "SAMPLES"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "1", "extra"],
      ["MEMORY", "USAGE"],
      ["MEMORY", "PURGE"],
      ["MEMORY", "DOCTOR"],
      ["MEMORY", "NOSUCH"],
      ["MEMORY"],
    ],
  }),
});

Deno.test("MEMORY USAGE estimates a key's bytes, which grow with its value and a TTL", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      await conn.command("SET", "small", "v");
      await conn.command("SET", "big", "v".repeat(10_000));
      await conn.command("RPUSH", "list", ...Array.from({ length: 100 }, (_, i) => `element ${i}`));
      const small = await conn.command("MEMORY", "USAGE", "small") as number;
      const big = await conn.command("MEMORY", "USAGE", "big") as number;
      const list = await conn.command("MEMORY", "USAGE", "list", "SAMPLES", "0") as number;
      assert.ok(small > 0 && small < 200, `small: ${small}`);
      assert.ok(big > 10_000 && big < 10_200, `big: ${big}`);
      assert.ok(list > 100 * 10, `list: ${list}`);
      await conn.command("EXPIRE", "small", "100");
      assert.ok(await conn.command("MEMORY", "USAGE", "small") as number > small);
      const help = await conn.command("MEMORY", "HELP") as string[];
      assert.equal(help[0], "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      assert.ok(help.includes("USAGE <key> [SAMPLES <count>]"));
    } finally {
      conn.close();
    }
  });
});
