/**
 * TLS: tls-port with tls-cert-file and tls-key-file (a test CA and a server
 * certificate for 127.0.0.1 made with openssl), ordinary clients over TLS
 * (a Deno client and `redis-cli --tls`), the plain port alongside, TLS only
 * with port 0, and the start-up errors (a missing certificate, and
 * tls-auth-clients yes, which Deno.listenTls cannot enforce).
 */
import assert from "node:assert/strict";
import { ListenError } from "../lib/mod.ts";
import { hasProgram, RawConnection, startTestServer } from "./helpers.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const HAVE_OPENSSL = await hasProgram("openssl");
const HAVE_SS = await hasProgram("ss");
const HAVE_REDIS_CLI_TLS = await (async () => {
  if (!await hasProgram("redis-cli")) return false;
  const { stdout } = await new Deno.Command("redis-cli", {
    args: ["--help"],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return new TextDecoder().decode(stdout).includes("--tls");
})();
if (!HAVE_OPENSSL) console.warn("tls_test: openssl not found, skipping the TLS tests");
if (HAVE_OPENSSL && !HAVE_REDIS_CLI_TLS) {
  console.warn("tls_test: redis-cli without TLS support, skipping its test");
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function openssl(args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" })
    .output();
  if (!success) throw new Error(`openssl ${args.join(" ")}: ${decoder.decode(stderr)}`);
}

/**
 * A test CA and a server certificate it signed for localhost and 127.0.0.1
 * (rustls, behind Deno.connectTls, refuses a CA certificate used as the
 * server's own, which a one-step self-signed `openssl req -x509` makes).
 */
async function makeCertificates(): Promise<{ dir: string; ca: string; cert: string; key: string }> {
  const dir = await Deno.makeTempDir({ prefix: "redix-tls-" });
  const ca = `${dir}/ca.crt`, cert = `${dir}/redis.crt`, key = `${dir}/redis.key`;
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${dir}/ca.key`,
    "-out",
    ca,
    "-days",
    "2",
    "-subj",
    "/CN=Redix Test CA",
  ]);
  await openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    `${dir}/redis.csr`,
    "-subj",
    "/CN=localhost",
  ]);
  await Deno.writeTextFile(
    `${dir}/ext`,
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    `${dir}/redis.csr`,
    "-CA",
    ca,
    "-CAkey",
    `${dir}/ca.key`,
    "-CAcreateserial",
    "-out",
    cert,
    "-days",
    "2",
    "-extfile",
    `${dir}/ext`,
  ]);
  return { dir, ca, cert, key };
}

/** A port free at the time of asking: bound to 0, then closed. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Sends raw RESP over `conn` and reads until `expected`'s length has arrived. */
async function exchange(conn: Deno.Conn, request: string, expected: string): Promise<string> {
  await conn.write(encoder.encode(request));
  let got = "";
  const buffer = new Uint8Array(4096);
  while (got.length < expected.length) {
    const n = await conn.read(buffer);
    if (n === null) break;
    got += decoder.decode(buffer.subarray(0, n));
  }
  return got;
}

function tlsConfig(certs: { cert: string; key: string }, tlsPort: number): Record<string, string | number> {
  return {
    "tls-port": tlsPort,
    "tls-cert-file": certs.cert,
    "tls-key-file": certs.key,
    "tls-auth-clients": "no",
  };
}

Deno.test({
  name: "TLS: clients on tls-port, the plain port alongside, TLS only with port 0, start-up errors",
  ignore: !HAVE_OPENSSL,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const certs = await makeCertificates();
    try {
      await t.step("port 0 with a tls-port serves TLS only, to a Deno client", async () => {
        const tlsPort = freePort();
        const redix = await startTestServer({ config: tlsConfig(certs, tlsPort) });
        try {
          assert.equal(redix.server.tlsPort, tlsPort);
          assert.equal(redix.server.port, 0, "no plain TCP listener");
          const conn = await Deno.connectTls({
            hostname: "127.0.0.1",
            port: tlsPort,
            caCerts: [await Deno.readTextFile(certs.ca)],
          });
          try {
            assert.equal(await exchange(conn, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n"), "+PONG\r\n");
            assert.equal(
              await exchange(conn, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", "+OK\r\n"),
              "+OK\r\n",
            );
            assert.equal(
              await exchange(conn, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$5\r\nhello\r\n"),
              "$5\r\nhello\r\n",
            );
            assert.equal(
              await exchange(
                conn,
                "*2\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n",
                "-ERR wrong number of arguments for 'config|get' command\r\n",
              ),
              "-ERR wrong number of arguments for 'config|get' command\r\n",
            );
          } finally {
            conn.close();
          }
          // A plain-text client on the TLS port fails its handshake; the listener serves on.
          const plain = await Deno.connect({ hostname: "127.0.0.1", port: tlsPort });
          await plain.write(encoder.encode("*1\r\n$4\r\nPING\r\n")).catch(() => {});
          await plain.read(new Uint8Array(1024)).catch(() => null);
          plain.close();
          const again = await Deno.connectTls({
            hostname: "127.0.0.1",
            port: tlsPort,
            caCerts: [await Deno.readTextFile(certs.ca)],
          });
          assert.equal(
            await exchange(again, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$5\r\nhello\r\n"),
            "$5\r\nhello\r\n",
          );
          again.close();
        } finally {
          await redix.close();
        }
      });

      await t.step("redis-cli --tls --cacert", async () => {
        if (!HAVE_REDIS_CLI_TLS) return;
        const tlsPort = freePort();
        const redix = await startTestServer({ config: tlsConfig(certs, tlsPort) });
        try {
          const run = async (args: string[]) => {
            const { stdout } = await new Deno.Command("redis-cli", {
              args: ["--tls", "--cacert", certs.ca, "-h", "127.0.0.1", "-p", String(tlsPort), ...args],
              stdout: "piped",
              stderr: "piped",
            }).output();
            return decoder.decode(stdout).trim();
          };
          assert.equal(await run(["PING"]), "PONG");
          assert.equal(await run(["SET", "cli", "v"]), "OK");
          assert.equal(await run(["GET", "cli"]), "v");
        } finally {
          await redix.close();
        }
      });

      await t.step("the plain port still works alongside the TLS port", async () => {
        const port = freePort(), tlsPort = freePort();
        const redix = await startTestServer({ port, config: tlsConfig(certs, tlsPort) });
        try {
          assert.equal(redix.port, port);
          assert.equal(redix.server.tlsPort, tlsPort);
          const plain = await RawConnection.open(port);
          assert.equal(await plain.command("SET", "both", "1"), "OK");
          plain.close();
          const conn = await Deno.connectTls({
            hostname: "127.0.0.1",
            port: tlsPort,
            caCerts: [await Deno.readTextFile(certs.ca)],
          });
          assert.equal(
            await exchange(conn, "*2\r\n$3\r\nGET\r\n$4\r\nboth\r\n", "$1\r\n1\r\n"),
            "$1\r\n1\r\n",
          );
          conn.close();
        } finally {
          await redix.close();
        }
      });

      await t.step("a missing certificate stops the start with Redis's message", async () => {
        const missing = `${certs.dir}/missing.crt`;
        await assert.rejects(
          startTestServer({ config: { ...tlsConfig(certs, freePort()), "tls-cert-file": missing } }),
          (error: unknown) =>
            error instanceof ListenError &&
            error.message.startsWith(`Failed to configure TLS: Failed to load certificate: ${missing}: `),
        );
        await assert.rejects(
          startTestServer({ config: { ...tlsConfig(certs, freePort()), "tls-key-file": missing } }),
          (error: unknown) =>
            error instanceof ListenError &&
            error.message.startsWith(`Failed to configure TLS: Failed to load private key: ${missing}: `),
        );
        // The binary exits 1 with the message, as redis-server does.
        const { code, stderr } = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--allow-net",
            "--allow-read",
            "--allow-write",
            "--allow-sys",
            `${ROOT}main.ts`,
            "--port",
            "0",
            "--save",
            "",
            "--tls-port",
            String(freePort()),
            "--tls-cert-file",
            missing,
            "--tls-key-file",
            certs.key,
            "--tls-auth-clients",
            "no",
          ],
          cwd: certs.dir,
          stdout: "null",
          stderr: "piped",
        }).output();
        assert.equal(code, 1);
        assert.match(
          decoder.decode(stderr),
          /Failed to configure TLS: Failed to load certificate: .*missing\.crt/,
        );
      });

      await t.step(
        "tls-auth-clients yes (the default) is refused: Deno cannot verify client certificates",
        async () => {
          const config = { ...tlsConfig(certs, freePort()) };
          delete config["tls-auth-clients"];
          await assert.rejects(
            startTestServer({ config }),
            /Either tls-ca-cert-file or tls-ca-cert-dir must be specified/,
          );
          for (const mode of ["yes", "optional"]) {
            await assert.rejects(
              startTestServer({
                config: { ...config, "tls-ca-cert-file": certs.ca, "tls-auth-clients": mode },
              }),
              new RegExp(
                `tls-auth-clients ${mode} is not supported: Deno.listenTls .* cannot request or verify client`,
              ),
            );
          }
        },
      );
    } finally {
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});

Deno.test("tcp-keepalive: SO_KEEPALIVE on accepted sockets when > 0 (the interval is the system's)", async () => {
  for (const keepalive of [0, 300]) {
    const redix = await startTestServer({ config: { "tcp-keepalive": keepalive } });
    try {
      const conn = await RawConnection.open(redix.port);
      assert.deepEqual(await conn.command("CONFIG", "GET", "tcp-keepalive"), [
        "tcp-keepalive",
        String(keepalive),
      ]);
      if (HAVE_SS) {
        // The server's end of the connection: SO_KEEPALIVE shows as a keepalive timer.
        const { stdout } = await new Deno.Command("ss", {
          args: ["-tnoH", "state", "established", `( sport = :${redix.port} )`],
          stdout: "piped",
        }).output();
        const line = decoder.decode(stdout);
        assert.match(line, new RegExp(`:${redix.port}\\b`));
        assert.equal(line.includes("keepalive"), keepalive > 0, line);
      }
      conn.close();
    } finally {
      await redix.close();
    }
  }
});
