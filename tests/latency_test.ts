/**
 * LATENCY: the latency monitor (LATEST, HISTORY, GRAPH, RESET, DOCTOR, with
 * latency-monitor-threshold) and LATENCY HISTOGRAM, compared with a real
 * redis-server: the same texts and reply shapes, with times and durations
 * (which differ by nature) masked.
 */
import assert from "node:assert/strict";
import { HAVE_REDIS, RawConnection, type Reply, startRedis, withServer } from "./helpers.ts";

/** Digits masked, for texts holding durations and ages. */
function masked(reply: Reply): Reply {
  if (typeof reply === "string") return reply.replace(/\d+(\.\d+)?/g, "N");
  if (Array.isArray(reply)) return reply.map(masked);
  if (typeof reply === "number") return "N";
  if (reply !== null && typeof reply === "object" && "verbatim" in reply) {
    return { verbatim: masked(reply.verbatim) as string, format: reply.format };
  }
  return reply;
}

/** The script's replies: first with the monitor off, then after a spike of DEBUG SLEEP. */
async function run(port: number, protocol: 2 | 3): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    if (protocol === 3) await conn.command("HELLO", "3");
    const replies: Reply[] = [];
    const send = async (...argv: string[]) => {
      const reply = await conn.command(...argv);
      replies.push(reply);
      return reply;
    };
    await send("LATENCY", "HELP");
    await send("LATENCY", "LATEST");
    await send("LATENCY", "HISTORY", "command");
    await send("LATENCY", "RESET");
    await send("LATENCY", "GRAPH", "command");
    await send("LATENCY", "DOCTOR");
    await send("LATENCY", "NOSUCH");
    await send("LATENCY", "GRAPH");
    await send("LATENCY");
    await send("CONFIG", "SET", "latency-monitor-threshold", "100");
    await send("LATENCY", "DOCTOR");
    // Quicker than the threshold, even on a loaded machine (DOCTOR reads /proc): no spike.
    await send("DEBUG", "SLEEP", "0");
    await send("LATENCY", "LATEST");
    await send("DEBUG", "SLEEP", "0.2");
    const latest = await conn.command("LATENCY", "LATEST") as Reply[][];
    assert.equal(latest.length, 1, JSON.stringify(latest));
    const [event, time, ms, max] = latest[0];
    assert.equal(event, "command");
    assert.ok(Math.abs(Number(time) - Date.now() / 1000) < 5, `time ${time}`);
    assert.ok(Number(ms) >= 200 && Number(max) === Number(ms), `latency ${ms}, max ${max}`);
    replies.push(masked(latest));
    replies.push(masked(await conn.command("LATENCY", "HISTORY", "command")));
    replies.push(masked(await conn.command("LATENCY", "GRAPH", "command")));
    replies.push(masked(await conn.command("LATENCY", "DOCTOR")));
    await send("LATENCY", "HISTORY", "COMMAND");
    await send("LATENCY", "RESET", "nosuch", "COMMAND");
    await send("LATENCY", "LATEST");
    await send("CONFIG", "SET", "latency-monitor-threshold", "0");
    return replies;
  } finally {
    conn.close();
  }
}

for (const protocol of [2, 3] as const) {
  Deno.test({
    name: `LATENCY monitor replies as redis-server (RESP${protocol}), times and durations aside`,
    ignore: !HAVE_REDIS,
    fn: async () => {
      const redis = await startRedis(["--enable-debug-command", "yes"]);
      let expected: Reply[];
      try {
        expected = await run(redis.port, protocol);
      } finally {
        await redis.stop();
      }
      await withServer(async ({ port }) => {
        const actual = await run(port, protocol);
        assert.equal(actual.length, expected.length);
        for (let i = 0; i < expected.length; i++) assert.deepEqual(actual[i], expected[i], `reply ${i}`);
      }, { config: { "enable-debug-command": "yes" } });
    },
  });
}

/** LATENCY HISTOGRAM's reply as a plain object (RESP3 map or RESP2 flat array). */
function asObject(reply: Reply): Record<string, Reply> {
  const pairs: Reply[] = Array.isArray(reply) ? reply : (reply as { map: [Reply, Reply][] }).map.flat();
  const object: Record<string, Reply> = {};
  for (let i = 0; i < pairs.length; i += 2) object[String(pairs[i])] = pairs[i + 1];
  return object;
}

/** Redis's bucket keys: 2^m ns (m >= 10) at HdrHistogram's highest equivalent value, in microseconds. */
const BUCKET_KEYS = Array.from(
  { length: 30 },
  (_, i) => Math.floor((2 ** (i + 10) + 2 ** (i + 3) - 1) / 1000),
);

interface Shown {
  calls: Reply;
  last: number;
}

async function histograms(port: number, protocol: 2 | 3): Promise<Record<string, Shown>[]> {
  const conn = await RawConnection.open(port);
  try {
    if (protocol === 3) await conn.command("HELLO", "3");
    for (let i = 0; i < 200; i++) await conn.command("SET", "k", "v");
    await conn.command("CONFIG", "GET", "maxmemory");
    const results: Record<string, Shown>[] = [];
    const show = async (argv: string[]) => {
      const reply = asObject(await conn.command("LATENCY", "HISTOGRAM", ...argv));
      const shown: Record<string, Shown> = {};
      for (const [name, entry] of Object.entries(reply)) {
        const fields = asObject(entry);
        const buckets = Object.entries(asObject(fields.histogram_usec)).flat();
        // The durations differ; what must hold: cumulative counts that end at the calls.
        const counts = buckets.filter((_, i) => i % 2 === 1).map(Number);
        const keys = buckets.filter((_, i) => i % 2 === 0).map(Number);
        assert.ok(counts.every((count, i) => i === 0 || count > counts[i - 1]), `${name}: ${counts}`);
        assert.ok(keys.every((key) => BUCKET_KEYS.includes(key)), `${keys}`);
        shown[name] = { calls: fields.calls, last: counts.at(-1) ?? 0 };
      }
      results.push(shown);
    };
    for (const argv of [["set"], ["SET", "nosuch", "config|get"], ["config"], ["get"]]) await show(argv);
    // CONFIG RESETSTAT counts itself after the reset (its second call too): then the one command listed.
    await conn.command("CONFIG", "RESETSTAT");
    await conn.command("CONFIG", "RESETSTAT");
    await show([]);
    return results;
  } finally {
    conn.close();
  }
}

for (const protocol of [2, 3] as const) {
  Deno.test({
    name: `LATENCY HISTOGRAM lists the named commands (subcommands too) with their calls, as redis-server ` +
      `(RESP${protocol})`,
    ignore: !HAVE_REDIS,
    fn: async () => {
      const redis = await startRedis();
      let expected: Record<string, Shown>[];
      try {
        expected = await histograms(redis.port, protocol);
      } finally {
        await redis.stop();
      }
      await withServer(async ({ port }) => {
        assert.deepEqual(await histograms(port, protocol), expected);
      });
      assert.deepEqual(expected[0], { set: { calls: 200, last: 200 } });
    },
  });
}
