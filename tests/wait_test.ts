/**
 * WAIT on a server without replicas, as redis-server 7.0 without replicas
 * answers it: argument errors, an immediate 0 when no replica is asked for or
 * inside EXEC, and otherwise a blocked client (0 at the timeout, on CLIENT
 * UNBLOCK, nothing after a disconnect). Every scenario also runs on
 * redis-server, so the expectations are Redis's.
 */
import {
  blocked,
  blockedClients,
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  scenarioTests,
  waiter,
} from "./helpers.ts";

Deno.test({
  name: "WAIT's argument errors and immediate replies are redis-server's",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "arguments": [
      ["WAIT", "0", "0"],
      ["WAIT", "-1", "100"],
      ["WAIT", "x", "1"],
      ["WAIT", "9999999999999999999", "1"],
      ["WAIT", "1", "x"],
      ["WAIT", "1", "1.5"],
      ["WAIT", "1", "+5"],
      ["WAIT", "1", "-1"],
      ["WAIT", "x", "-1"],
      ["WAIT", "1"],
      ["WAIT", "1", "2", "3"],
    ],
    "inside EXEC it cannot block": [
      ["MULTI"],
      ["SET", "k", "v"],
      ["WAIT", "1", "0"],
      ["EXEC"],
    ],
    "a timeout ends the wait with 0": [
      ["SET", "k", "v"],
      ["WAIT", "1", "20"],
      ["PING"],
    ],
  }),
});

/** The id of a new connection, which then sends `argv` (a blocking command). */
async function idThenSend(port: number, argv: string[]): Promise<[RawConnection, string]> {
  const conn = await RawConnection.open(port);
  const id = String(await conn.command("CLIENT", "ID"));
  await conn.send(encodeCommand(argv) + encodeCommand(["PING"]));
  return [conn, id];
}

scenarioTests("WAIT for replicas that never acknowledge", {
  "it blocks until CLIENT UNBLOCK, which replies 0, and the pipeline behind it goes on": {
    run: async (port, admin) => {
      const [w1, id] = await idThenSend(port, ["WAIT", "1", "0"]);
      await blocked(admin, 1);
      const list = await admin.command("CLIENT", "LIST", "ID", id) as string;
      const seen: Reply[] = [/ flags=b /.test(list) ? 1 : 0, /cmd=wait /.test(list) ? 1 : 0];
      seen.push(await admin.command("CLIENT", "UNBLOCK", id), await w1.reply(), await w1.reply());
      seen.push(await blockedClients(admin));
      w1.close();
      return seen;
    },
    expected: [1, 1, 1, 0, "PONG", 0],
  },
  "CLIENT UNBLOCK ERROR gets the UNBLOCKED error": {
    run: async (port, admin) => {
      const [w1, id] = await idThenSend(port, ["WAIT", "3", "100000"]);
      await blocked(admin, 1);
      const seen = [
        await admin.command("CLIENT", "UNBLOCK", id, "ERROR"),
        await w1.reply(),
        await w1.reply(),
      ];
      w1.close();
      return seen;
    },
    expected: [1, { error: "UNBLOCKED client unblocked via CLIENT UNBLOCK" }, "PONG"],
  },
  "a disconnect ends the wait, and writes are not held by it": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["WAIT", "1", "0"]);
      await blocked(admin, 1);
      const seen = [await admin.command("SET", "k", "v")];
      w1.close();
      await blocked(admin, 0);
      seen.push(await admin.command("GET", "k"));
      return seen;
    },
    expected: ["OK", "v"],
  },
});
