/**
 * The blocking registry (DESIGN.md §8) as clients see it, whatever the blocking
 * command: the rest of a pipeline waits behind a blocked command, a waiter is
 * woken by any route that gives its key a value (a push, RENAME, MOVE, SWAPDB),
 * a disconnect or a server shutdown releases it, and INFO counts it. The list
 * and sorted-set tests cover each command's own replies and propagation.
 */
import assert from "node:assert/strict";
import { encodeCommand, RawConnection, type Reply, startTestServer, waitFor, withServer } from "./helpers.ts";
import { RedixServer } from "../lib/server/server.ts";
import { Client } from "../lib/server/client.ts";

function blockedClients(server: RedixServer): () => boolean {
  return () => server.blocking.count > 0;
}

async function infoField(conn: RawConnection, field: string): Promise<string> {
  const info = await conn.command("INFO", "clients") as string;
  return info.split("\r\n").find((line) => line.startsWith(`${field}:`))!.split(":")[1];
}

Deno.test("commands pipelined behind a blocking one run after it is served, in order", async () => {
  await withServer(async ({ port, server }) => {
    const waiter = await RawConnection.open(port);
    const pusher = await RawConnection.open(port);
    await waiter.send(
      encodeCommand(["BLPOP", "q", "0"]) + encodeCommand(["PING"]) + encodeCommand(["LLEN", "q"]),
    );
    await waitFor(blockedClients(server), "the BLPOP to block");
    assert.equal(await infoField(pusher, "blocked_clients"), "1");
    // Sent while blocked: read and held, not run.
    await waiter.send(encodeCommand(["ECHO", "later"]));
    assert.equal(await pusher.command("RPUSH", "q", "a", "b"), 2);
    assert.deepEqual(await waiter.reply(), ["q", "a"]);
    assert.equal(await waiter.reply(), "PONG");
    assert.equal(await waiter.reply(), 1);
    assert.equal(await waiter.reply(), "later");
    assert.equal(await infoField(pusher, "blocked_clients"), "0");
    waiter.close();
    pusher.close();
  });
});

Deno.test("a waiter is woken by RENAME, MOVE and SWAPDB into its key, and by the key it names", async () => {
  await withServer(async ({ port, server }) => {
    const control = await RawConnection.open(port);
    const waiter = await RawConnection.open(port);
    const served = async (setup: string[][], expected: Reply) => {
      await waiter.send(encodeCommand(["BLPOP", "a", "b", "0"]));
      await waitFor(blockedClients(server), "the waiter to block");
      for (const command of setup) await control.command(...command);
      assert.deepEqual(await waiter.reply(), expected);
      await waitFor(() => server.blocking.count === 0, "the waiter to be released");
    };
    await served([["RPUSH", "b", "1"]], ["b", "1"]);
    await served([["RPUSH", "src", "2"], ["RENAME", "src", "a"]], ["a", "2"]);
    await served([["SELECT", "3"], ["RPUSH", "b", "3"], ["MOVE", "b", "0"], ["SELECT", "0"]], ["b", "3"]);
    await served([["SELECT", "5"], ["RPUSH", "a", "4"], ["SELECT", "0"], ["SWAPDB", "0", "5"]], ["a", "4"]);
    waiter.close();
    control.close();
  });
});

Deno.test("a value of another type does not serve a waiter; the list that replaces it does", async () => {
  await withServer(async ({ port, server }) => {
    const control = await RawConnection.open(port);
    const waiter = await RawConnection.open(port);
    await waiter.send(encodeCommand(["BLPOP", "k", "0"]));
    await waitFor(blockedClients(server), "the waiter to block");
    await control.command("SET", "k", "string");
    await control.command("DEL", "k");
    assert.equal(server.blocking.count, 1);
    await control.command("LPUSH", "k", "x");
    assert.deepEqual(await waiter.reply(), ["k", "x"]);
    waiter.close();
    control.close();
  });
});

Deno.test("a waiter that disconnects leaves its queues: the element stays for others", async () => {
  await withServer(async ({ port, server }) => {
    const gone = await RawConnection.open(port);
    await gone.send(encodeCommand(["BRPOP", "q", "0"]));
    await waitFor(blockedClients(server), "the waiter to block");
    gone.close();
    await waitFor(() => server.blocking.count === 0, "the disconnect to be noticed");
    const control = await RawConnection.open(port);
    assert.equal(await control.command("RPUSH", "q", "kept"), 1);
    assert.deepEqual(await control.command("LRANGE", "q", "0", "-1"), ["kept"]);
    control.close();
  });
});

Deno.test("a timeout replies the command's null at its deadline and releases the client", async () => {
  await withServer(async ({ port, server }) => {
    const conn = await RawConnection.open(port);
    assert.equal(await conn.command("BLPOP", "q", "0.05"), null);
    assert.equal(server.blocking.count, 0);
    assert.equal(await conn.command("PING"), "PONG");
    conn.close();
  });
});

Deno.test("the server shuts down while clients are blocked", async () => {
  const redix = await startTestServer();
  const conns = await Promise.all([1, 2, 3].map(() => RawConnection.open(redix.port)));
  for (const conn of conns) await conn.send(encodeCommand(["BLPOP", "q", "0"]));
  await waitFor(() => redix.server.blocking.count === 3, "three waiters");
  await redix.close();
  for (const conn of conns) {
    assert.equal(await conn.readToEnd(), "");
    conn.close();
  }
});

/**
 * A connection whose writes wait until the test lets them through, so that a
 * blocked client's flush is in progress while another client serves it.
 */
class SlowConnection {
  readonly written: string[] = [];
  private input: Uint8Array[];
  private pendingRead: ((n: number | null) => void) | undefined;
  private writeGate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => {};
  readonly remoteAddr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };
  readonly localAddr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 2 };
  constructor(input: string) {
    this.input = [new TextEncoder().encode(input)];
  }
  holdWrites(): void {
    this.writeGate = new Promise((resolve) => this.openGate = resolve);
  }
  releaseWrites(): void {
    this.openGate();
  }
  setNoDelay(): void {}
  read(buffer: Uint8Array): Promise<number | null> {
    const chunk = this.input.shift();
    if (chunk === undefined) return new Promise((resolve) => this.pendingRead = resolve);
    buffer.set(chunk);
    return Promise.resolve(chunk.length);
  }
  async write(data: Uint8Array): Promise<number> {
    await this.writeGate;
    this.written.push(new TextDecoder().decode(data));
    return data.length;
  }
  close(): void {
    this.pendingRead?.(null);
  }
}

Deno.test("a waiter served while its earlier replies are still being sent goes on with its pipeline", async () => {
  // Found by the fuzzer: the flush before waiting yields, and a push (or a
  // timeout, or CLIENT UNBLOCK) could end the wait meanwhile; the loop then
  // read the state that was gone and dropped the connection with a TypeError.
  const server = new RedixServer();
  server.log.enabled = false;
  const warnings: string[] = [];
  server.log.warning = (message: string) => warnings.push(message);
  const waiterConn = new SlowConnection(encodeCommand(["PING"]) + encodeCommand(["BLPOP", "q", "0"]));
  waiterConn.holdWrites();
  const pusherConn = new SlowConnection("");
  const waiter = new Client(server, waiterConn as unknown as Deno.TcpConn, 1);
  const pusher = new Client(server, pusherConn as unknown as Deno.TcpConn, 2);
  await waitFor(() => server.blocking.count === 1, "the waiter to block");
  server.execute(pusher, ["LPUSH", "q", "x"]);
  waiterConn.releaseWrites();
  await waitFor(() => waiterConn.written.join("").includes("*2\r\n"), "the BLPOP reply");
  assert.equal(waiterConn.written.join(""), "+PONG\r\n*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
  waiterConn.close();
  pusherConn.close();
  await Promise.all([waiter.done, pusher.done]);
  assert.deepEqual(warnings, []);
});
