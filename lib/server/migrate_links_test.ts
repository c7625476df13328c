import assert from "node:assert/strict";
import { LinkError, MigrateLinks } from "./migrate_links.ts";

/** A listener that accepts connections and answers nothing. */
function silentTarget(): { port: number; conns: Deno.Conn[]; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) conns.push(conn);
  })();
  return {
    port: listener.addr.port,
    conns,
    close: () => {
      for (const conn of conns) conn.close();
      listener.close();
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<LinkError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LinkError, String(error));
    return error;
  }
  assert.fail("expected a LinkError");
}

Deno.test("MigrateLinks caches one link per host:port and closes it after 10 s unused", async () => {
  const target = silentTarget();
  const links = new MigrateLinks();
  try {
    const link = await links.get("127.0.0.1", target.port, 1000);
    assert.equal(await links.get("127.0.0.1", target.port, 1000), link);
    assert.equal(links.size, 1);
    links.closeIdle(Date.now() + 5_000);
    assert.equal(links.size, 1);
    links.closeIdle(Date.now() + 10_001);
    assert.equal(links.size, 0);
    assert.notEqual(await links.get("127.0.0.1", target.port, 1000), link);
  } finally {
    links.closeAll();
    target.close();
  }
});

Deno.test("a link's reply lines come whole across reads, and a silent target times out the read", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const links = new MigrateLinks();
  try {
    const accepted = listener.accept();
    const link = await links.get("127.0.0.1", listener.addr.port, 1000);
    const peer = await accepted;
    await peer.write(new TextEncoder().encode("+OK\r\n-ERR par"));
    assert.equal(await link.readLine(1000), "+OK");
    const rest = link.readLine(1000);
    await peer.write(new TextEncoder().encode("tial\r\n"));
    assert.equal(await rest, "-ERR partial");
    const timedOut = await failure(link.readLine(20));
    assert.deepEqual([timedOut.step, timedOut.timedOut], ["reading", true]);
    peer.close();
  } finally {
    links.closeAll();
    listener.close();
  }
});

Deno.test("a refused connection or a port out of range fails as Redis's write does, a bad name as its connect", async () => {
  const links = new MigrateLinks();
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  const refused = await failure(links.get("127.0.0.1", port, 1000));
  assert.deepEqual([refused.step, refused.timedOut], ["writing", false]);
  assert.equal((await failure(links.get("127.0.0.1", 0, 1000))).step, "writing");
  assert.equal((await failure(links.get("127.0.0.1", 70000, 1000))).step, "writing");
  assert.equal((await failure(links.get("127.0.0.1", -1, 1000))).step, "connecting");
  assert.equal((await failure(links.get("no.such.host.invalid", 6379, 1000))).step, "connecting");
  assert.equal(links.size, 0);
});
