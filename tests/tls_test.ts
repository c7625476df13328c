/**
 * TLS: tls-port with tls-cert-file and tls-key-file (a test CA, a server
 * certificate for 127.0.0.1, a client certificate the CA signed and a
 * self-signed one, made with openssl), ordinary clients over TLS (a Deno
 * client and `redis-cli --tls`), the plain port alongside, TLS only with port
 * 0, client certificates as tls-auth-clients yes, optional and no ask (with
 * tls-ca-cert-file or tls-ca-cert-dir; redis-cli and a Deno client, each check
 * run against redis-server with the same certificates too), refused handshakes
 * that disturb nobody, CONFIG SET of tls-auth-clients and tls-ca-cert-file at
 * runtime, maxclients over TLS, the start-up errors (a missing certificate, a
 * missing or unreadable CA, no CA while client certificates are required),
 * and the TLS connection's back-pressure on reads.
 */
import assert from "node:assert/strict";
import { ListenError } from "../lib/mod.ts";
import { hasProgram, HAVE_REDIS, RawConnection, startRedis, startTestServer, waitFor } from "./helpers.ts";
import { TlsListener } from "../lib/server/tls.ts";

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
  console.warn(
    "tls_test: redis-cli without TLS support, skipping its checks",
  );
}
if (HAVE_OPENSSL && !HAVE_REDIS) {
  console.warn("tls_test: redis-server not found, checking Redix alone (no comparison with redis-server)");
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function openssl(args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" })
    .output();
  if (!success) throw new Error(`openssl ${args.join(" ")}: ${decoder.decode(stderr)}`);
}

/** The test certificates: files in `dir`. */
interface Certificates {
  dir: string;
  /** The test CA's certificate. */
  ca: string;
  /** The server's certificate (signed by the CA) and key. */
  cert: string;
  key: string;
  /** A client certificate the CA signed, and its key. */
  clientCert: string;
  clientKey: string;
  /** A self-signed client certificate (no CA of the server's signed it), and its key. */
  otherCert: string;
  otherKey: string;
  /** A directory holding the CA certificate under its subject hash (`<hash>.0`, as c_rehash names it). */
  caDir: string;
}

/**
 * A test CA, a server certificate it signed for localhost and 127.0.0.1
 * (rustls, behind Deno.connectTls, refuses a CA certificate used as the
 * server's own, which a one-step self-signed `openssl req -x509` makes), a
 * client certificate it signed, and a self-signed client certificate.
 */
async function makeCertificates(): Promise<Certificates> {
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
  const signed = async (name: string, subject: string, extensions: string) => {
    await openssl([
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${dir}/${name}.key`,
      "-out",
      `${dir}/${name}.csr`,
      "-subj",
      subject,
    ]);
    await Deno.writeTextFile(`${dir}/${name}.ext`, extensions);
    await openssl([
      "x509",
      "-req",
      "-in",
      `${dir}/${name}.csr`,
      "-CA",
      ca,
      "-CAkey",
      `${dir}/ca.key`,
      "-CAcreateserial",
      "-out",
      `${dir}/${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${dir}/${name}.ext`,
    ]);
  };
  await signed(
    "redis",
    "/CN=localhost",
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  await signed(
    "client",
    "/CN=Redix Test Client",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
  );
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${dir}/other.key`,
    "-out",
    `${dir}/other.crt`,
    "-days",
    "2",
    "-subj",
    "/CN=Someone Else",
  ]);
  const caDir = `${dir}/cadir`;
  await Deno.mkdir(caDir);
  const { stdout } = await new Deno.Command("openssl", {
    args: ["x509", "-hash", "-noout", "-in", ca],
    stdout: "piped",
    stderr: "null",
  }).output();
  await Deno.copyFile(ca, `${caDir}/${decoder.decode(stdout).trim()}.0`);
  return {
    dir,
    ca,
    cert,
    key,
    clientCert: `${dir}/client.crt`,
    clientKey: `${dir}/client.key`,
    otherCert: `${dir}/other.crt`,
    otherKey: `${dir}/other.key`,
    caDir,
  };
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

/** Starts redis-server with a TLS port and `tlsArgs`, expects it to refuse to start, and returns its log. */
async function redisStartFailure(tlsArgs: string[]): Promise<string> {
  const { code, stdout } = await new Deno.Command("redis-server", {
    args: ["--port", "0", "--tls-port", String(freePort()), ...tlsArgs, "--save", ""],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 1);
  return decoder.decode(stdout);
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

      await t.step("a CA is required for tls-auth-clients yes (the default) and optional", async () => {
        const config = { ...tlsConfig(certs, freePort()) };
        delete config["tls-auth-clients"];
        for (const mode of [undefined, "yes", "optional"]) {
          await assert.rejects(
            startTestServer({
              config: mode === undefined ? config : { ...config, "tls-auth-clients": mode },
            }),
            (error: unknown) =>
              error instanceof ListenError &&
              error.message ===
                "Failed to configure TLS: Either tls-ca-cert-file or tls-ca-cert-dir must be specified when " +
                  "tls-cluster, tls-replication or tls-auth-clients are enabled!",
          );
        }
      });
    } finally {
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});

/** Which client certificate a client presents: one the test CA signed, none, or a self-signed one. */
type Presents = "signed" | "none" | "self-signed";
const EVERY_CLIENT: Presents[] = ["signed", "none", "self-signed"];

function certificateOf(certs: Certificates, who: Presents): { cert: string; key: string } | undefined {
  if (who === "signed") return { cert: certs.clientCert, key: certs.clientKey };
  if (who === "self-signed") return { cert: certs.otherCert, key: certs.otherKey };
  return undefined;
}

/**
 * Runs redis-cli over TLS with the client certificate `who` presents: what it
 * printed, or "failed" when it printed nothing (the connection was refused).
 */
async function cli(certs: Certificates, port: number, who: Presents, ...command: string[]): Promise<string> {
  const presented = certificateOf(certs, who);
  const { stdout } = await new Deno.Command("redis-cli", {
    args: [
      "--tls",
      "--cacert",
      certs.ca,
      ...(presented ? ["--cert", presented.cert, "--key", presented.key] : []),
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      ...command,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const out = decoder.decode(stdout).trim();
  return out === "" ? "failed" : out;
}

/** Opens a Deno TLS connection presenting `who`'s certificate (the handshake may fail later). */
async function connectAs(certs: Certificates, port: number, who: Presents): Promise<Deno.TlsConn> {
  const presented = certificateOf(certs, who);
  return await Deno.connectTls({
    hostname: "127.0.0.1",
    port,
    caCerts: [await Deno.readTextFile(certs.ca)],
    ...(presented
      ? { cert: await Deno.readTextFile(presented.cert), key: await Deno.readTextFile(presented.key) }
      : {}),
  });
}

/** A Deno client presenting `who`'s certificate sends PING: "PONG", or "failed" when refused. */
async function denoPing(certs: Certificates, port: number, who: Presents): Promise<string> {
  let conn: Deno.TlsConn | undefined;
  try {
    conn = await connectAs(certs, port, who);
    const got = await exchange(conn, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n");
    return got === "+PONG\r\n" ? "PONG" : "failed";
  } catch {
    return "failed";
  } finally {
    try {
      conn?.close();
    } catch {
      // Closed by the server.
    }
  }
}

/**
 * Runs `observe` against Redix serving TLS with `config`, and, where
 * redis-server and redis-cli with TLS are installed, against redis-server with
 * the same settings; checks both saw `expected`.
 */
async function sameOnBoth<T>(
  certs: Certificates,
  config: Record<string, string>,
  expected: T,
  observe: (port: number) => Promise<T>,
): Promise<void> {
  const tlsPort = freePort();
  const redix = await startTestServer({
    config: { "tls-port": tlsPort, "tls-cert-file": certs.cert, "tls-key-file": certs.key, ...config },
  });
  try {
    assert.deepEqual(await observe(tlsPort), expected, "Redix");
  } finally {
    await redix.close();
  }
  if (!HAVE_REDIS) return;
  const redis = await startRedis([
    "--tls-cert-file",
    certs.cert,
    "--tls-key-file",
    certs.key,
    ...Object.entries(config).flatMap(([name, value]) => [`--${name}`, value]),
  ], true);
  try {
    assert.deepEqual(await observe(redis.port), expected, "redis-server");
  } finally {
    await redis.stop();
  }
}

Deno.test({
  name: "TLS client certificates: tls-auth-clients yes, optional and no, as redis-server",
  ignore: !HAVE_OPENSSL,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const certs = await makeCertificates();
    const everyClient = async (port: number, ping: typeof denoPing) => {
      const seen: string[] = [];
      for (const who of EVERY_CLIENT) seen.push(`${who}: ${await ping(certs, port, who)}`);
      return seen;
    };
    const cliPing = (certs: Certificates, port: number, who: Presents) => cli(certs, port, who, "PING");
    try {
      for (
        const [mode, expected] of [
          ["yes", ["signed: PONG", "none: failed", "self-signed: failed"]],
          ["optional", ["signed: PONG", "none: PONG", "self-signed: failed"]],
          ["no", ["signed: PONG", "none: PONG", "self-signed: PONG"]],
        ] as [string, string[]][]
      ) {
        await t.step(`tls-auth-clients ${mode}: redis-cli --tls --cacert [--cert --key]`, async () => {
          if (!HAVE_REDIS_CLI_TLS) return;
          await sameOnBoth(
            certs,
            { "tls-ca-cert-file": certs.ca, "tls-auth-clients": mode },
            expected,
            (port) => everyClient(port, cliPing),
          );
        });
        await t.step(`tls-auth-clients ${mode}: a Deno client`, async () => {
          await sameOnBoth(
            certs,
            { "tls-ca-cert-file": certs.ca, "tls-auth-clients": mode },
            expected,
            (port) => everyClient(port, denoPing),
          );
        });
      }

      await t.step("tls-ca-cert-dir: the CA found in a directory (named by its subject hash)", async () => {
        await sameOnBoth(
          certs,
          { "tls-ca-cert-dir": certs.caDir },
          ["signed: PONG", "none: failed", "self-signed: failed"],
          (port) => everyClient(port, denoPing),
        );
      });

      await t.step("refused handshakes disturb neither the server nor other clients", async () => {
        const tlsPort = freePort();
        const redix = await startTestServer({
          config: { ...tlsConfig(certs, tlsPort), "tls-auth-clients": "yes", "tls-ca-cert-file": certs.ca },
        });
        const log: string[] = [];
        redix.server.log.warning = (message: string) => log.push(message);
        try {
          const before = await connectAs(certs, tlsPort, "signed");
          assert.equal(
            await exchange(before, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "+OK\r\n"),
            "+OK\r\n",
          );
          // Without a certificate, with a self-signed one, plain text, and a TCP connection cut mid-handshake.
          assert.equal(await denoPing(certs, tlsPort, "none"), "failed");
          assert.equal(await denoPing(certs, tlsPort, "self-signed"), "failed");
          const plain = await Deno.connect({ hostname: "127.0.0.1", port: tlsPort });
          await plain.write(encoder.encode("*1\r\n$4\r\nPING\r\n")).catch(() => {});
          await plain.read(new Uint8Array(1024)).catch(() => null);
          plain.close();
          const cut = await Deno.connect({ hostname: "127.0.0.1", port: tlsPort });
          await cut.write(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x50, 0x01])).catch(() => {});
          cut.close();
          await waitFor(() => log.length >= 4, "the refused handshakes to be logged");
          assert.ok(
            log.every((line) => line.startsWith("Error accepting a client connection: ")),
            log.join("\n"),
          );
          assert.deepEqual(log.slice(0, 2), [
            "Error accepting a client connection: peer did not return a certificate",
            "Error accepting a client connection: certificate verify failed: DEPTH_ZERO_SELF_SIGNED_CERT",
          ]);
          // The connection opened before still works, and a new one too.
          assert.equal(
            await exchange(before, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$1\r\nv\r\n"),
            "$1\r\nv\r\n",
          );
          before.close();
          const after = await connectAs(certs, tlsPort, "signed");
          assert.equal(await exchange(after, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$1\r\nv\r\n"), "$1\r\nv\r\n");
          // As Redis, a refused handshake counted as a connection received (its client existed then).
          const info = await exchange(
            after,
            "*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n",
            "total_connections_received",
          );
          assert.ok(info.includes("total_connections_received"), info);
          after.close();
          await waitFor(() => redix.server.clients.size === 0, "the clients to be gone");
        } finally {
          await redix.close();
        }
      });

      await t.step("CONFIG SET tls-auth-clients and tls-ca-cert-file apply to new connections", async () => {
        if (!HAVE_REDIS_CLI_TLS) return;
        const missing = `${certs.dir}/missing.crt`;
        await sameOnBoth(
          certs,
          { "tls-ca-cert-file": certs.ca, "tls-auth-clients": "yes" },
          [
            "OK",
            "signed: PONG",
            "none: PONG",
            "self-signed: failed",
            "OK",
            "self-signed: PONG",
            "OK",
            "none: failed",
            "ERR CONFIG SET failed (possibly related to argument 'tls-ca-cert-file') - Unable to update TLS " +
            "configuration. Check server logs.",
            "ERR CONFIG SET failed (possibly related to argument 'tls-ca-cert-file') - Unable to update TLS " +
            "configuration. Check server logs.",
            "tls-ca-cert-file\n" + certs.ca,
            "OK",
            "signed: failed",
            "self-signed: PONG",
            "OK",
            "signed: PONG",
          ],
          async (port) => {
            const seen: string[] = [];
            const as = async (who: Presents, ...command: string[]) =>
              seen.push(await cli(certs, port, who, ...command));
            const ping = async (who: Presents) => seen.push(`${who}: ${await cli(certs, port, who, "PING")}`);
            await as("signed", "CONFIG", "SET", "tls-auth-clients", "optional");
            for (const who of EVERY_CLIENT) await ping(who);
            await as("signed", "CONFIG", "SET", "tls-auth-clients", "no");
            await ping("self-signed");
            await as("signed", "CONFIG", "SET", "tls-auth-clients", "yes");
            await ping("none");
            // A CA file that cannot be read, or none while certificates are required: refused, the old CA kept.
            await as("signed", "CONFIG", "SET", "tls-ca-cert-file", missing);
            await as("signed", "CONFIG", "SET", "tls-ca-cert-file", "");
            await as("signed", "CONFIG", "GET", "tls-ca-cert-file");
            // Another CA: the client it signed gets in, the test CA's client no longer.
            await as("signed", "CONFIG", "SET", "tls-ca-cert-file", certs.otherCert);
            await ping("signed");
            await ping("self-signed");
            await as("self-signed", "CONFIG", "SET", "tls-ca-cert-file", certs.ca);
            await ping("signed");
            return seen;
          },
        );
      });

      await t.step("maxclients reached: the TLS connection is refused, the others keep working", async () => {
        const tlsPort = freePort();
        const redix = await startTestServer({
          config: {
            ...tlsConfig(certs, tlsPort),
            "tls-auth-clients": "yes",
            "tls-ca-cert-file": certs.ca,
            maxclients: 1,
          },
        });
        try {
          const first = await connectAs(certs, tlsPort, "signed");
          assert.equal(await exchange(first, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n"), "+PONG\r\n");
          const second = await connectAs(certs, tlsPort, "signed");
          // Redix says why over TLS (redis-server drops a TLS connection before its handshake).
          const refused = "-ERR max number of clients reached\r\n";
          assert.equal(await exchange(second, "*1\r\n$4\r\nPING\r\n", refused), refused);
          assert.equal(await second.read(new Uint8Array(16)).catch(() => null), null);
          second.close();
          const info = await exchange(first, "*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n", "rejected_connections:1");
          assert.match(info, /rejected_connections:1\r\n/);
          first.close();
        } finally {
          await redix.close();
        }
      });

      await t.step("a certificate or key that does not load stops the start, as redis-server", async () => {
        const garbage = `${certs.dir}/garbage.pem`;
        await Deno.writeTextFile(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        for (
          const [cert, key, message] of [
            [garbage, certs.key, `Failed to load certificate: ${garbage}: `],
            [certs.key, certs.key, `Failed to load certificate: ${certs.key}: `],
            [certs.cert, garbage, `Failed to load private key: ${garbage}: `],
            [
              certs.cert,
              certs.clientKey,
              `Failed to load private key: ${certs.clientKey}: key values mismatch`,
            ],
          ]
        ) {
          await assert.rejects(
            startTestServer({
              config: { ...tlsConfig(certs, freePort()), "tls-cert-file": cert, "tls-key-file": key },
            }),
            (error: unknown) =>
              error instanceof ListenError && error.message.startsWith(`Failed to configure TLS: ${message}`),
          );
          if (!HAVE_REDIS) continue;
          const log = await redisStartFailure([
            "--tls-cert-file",
            cert,
            "--tls-key-file",
            key,
            "--tls-auth-clients",
            "no",
          ]);
          // Redis's reason is OpenSSL's ("error:05800074:x509 certificate routines::key values mismatch").
          const [prefix, detail] = [
            message.slice(0, message.lastIndexOf(": ") + 2),
            message.split(": ").at(-1)!,
          ];
          assert.ok(log.includes(prefix) && log.includes(detail), log);
        }
      });

      await t.step("a CA file that cannot be read stops the start, as redis-server", async () => {
        const missing = `${certs.dir}/missing.crt`;
        for (
          const [file, reason] of [[missing, "No such file or directory"], [certs.key, "no certificate"]]
        ) {
          await assert.rejects(
            startTestServer({
              config: {
                ...tlsConfig(certs, freePort()),
                "tls-auth-clients": "yes",
                "tls-ca-cert-file": file,
              },
            }),
            (error: unknown) =>
              error instanceof ListenError &&
              error.message.startsWith(
                `Failed to configure TLS: Failed to configure CA certificate(s) file/directory: ${file}: `,
              ) && error.message.includes(reason),
          );
          if (!HAVE_REDIS) continue;
          const log = await redisStartFailure([
            "--tls-cert-file",
            certs.cert,
            "--tls-key-file",
            certs.key,
            "--tls-ca-cert-file",
            file,
          ]);
          assert.match(log, /Failed to configure CA certificate\(s\) file\/directory: /);
        }
      });
    } finally {
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "TlsConnection: unread input stops the socket's reads; close() ends a pending read",
  ignore: !HAVE_OPENSSL,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const certs = await makeCertificates();
    const failures: string[] = [];
    const listener = await TlsListener.listen(
      "127.0.0.1",
      0,
      {
        cert: await Deno.readTextFile(certs.cert),
        key: await Deno.readTextFile(certs.key),
        ca: [],
        authClients: "no",
      },
      (reason) => failures.push(reason),
    );
    try {
      const accepted = listener[Symbol.asyncIterator]().next();
      const client = await Deno.connectTls({
        hostname: "127.0.0.1",
        port: listener.addr.port,
        caCerts: [await Deno.readTextFile(certs.ca)],
      });
      const total = 48 * 1024 * 1024;
      let written = 0;
      const writing = (async () => {
        // 256 KiB of bytes counting up modulo 251: any byte lost, repeated or reordered shows.
        const chunk = Uint8Array.from({ length: 256 * 1024 }, (_, i) => i % 251);
        while (written < total) {
          // A write may take part of what it is given: go on from where it stopped.
          const from = written % chunk.length;
          written += await client.write(chunk.subarray(from, Math.min(chunk.length, from + total - written)));
        }
      })();
      const { value: conn } = await accepted;
      assert.ok(conn !== undefined);
      // Nobody reads: the socket stops reading once 64 KiB wait, and the client is held back by TCP.
      await waitFor(() => conn.readingStopped, "the reads to stop");
      await assert.rejects(
        waitFor(() => written >= total, "the client to write everything", 1500),
        /timed out/,
      );
      assert.ok(conn.maxBuffered < 1024 * 1024, `held ${conn.maxBuffered} bytes unread`);
      // Reading again takes it all, in order of arrival.
      const buffer = new Uint8Array(64 * 1024);
      let read = 0;
      while (read < total) {
        const n = await conn.read(buffer);
        assert.ok(n !== null);
        for (let i = 0; i < n; i++) {
          if (buffer[i] !== ((read + i) % (256 * 1024)) % 251) assert.fail(`byte ${read + i} is wrong`);
        }
        read += n;
      }
      await writing;
      assert.equal(read, total);
      assert.ok(conn.maxBuffered < 1024 * 1024, `held ${conn.maxBuffered} bytes unread`);
      assert.equal(conn.remoteAddr.hostname, "127.0.0.1");
      assert.equal(conn.localAddr.port, listener.addr.port);
      // Writes reach the client; close() ends a pending read with null and the client reads the end.
      assert.equal(await conn.write(encoder.encode("+PONG\r\n")), 7);
      const got = new Uint8Array(16);
      assert.equal(decoder.decode(got.subarray(0, (await client.read(got))!)), "+PONG\r\n");
      const pending = conn.read(buffer);
      conn.close();
      assert.equal(await pending, null);
      assert.equal(await client.read(got).catch(() => null), null);
      client.close();
      await assert.rejects(conn.write(encoder.encode("late")), Deno.errors.BadResource);
      assert.deepEqual(failures, []);
    } finally {
      listener.close();
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

Deno.test({
  name: "tcp-keepalive: SO_KEEPALIVE on accepted TLS sockets too",
  ignore: !HAVE_OPENSSL || !HAVE_SS,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const certs = await makeCertificates();
    try {
      for (const keepalive of [0, 300]) {
        const tlsPort = freePort();
        const redix = await startTestServer({
          config: { ...tlsConfig(certs, tlsPort), "tcp-keepalive": keepalive },
        });
        try {
          const conn = await Deno.connectTls({
            hostname: "127.0.0.1",
            port: tlsPort,
            caCerts: [await Deno.readTextFile(certs.ca)],
          });
          assert.equal(await exchange(conn, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n"), "+PONG\r\n");
          const { stdout } = await new Deno.Command("ss", {
            args: ["-tnoH", "state", "established", `( sport = :${tlsPort} )`],
            stdout: "piped",
          }).output();
          const line = decoder.decode(stdout);
          assert.match(line, new RegExp(`:${tlsPort}\\b`));
          assert.equal(line.includes("keepalive"), keepalive > 0, line);
          conn.close();
        } finally {
          await redix.close();
        }
      }
    } finally {
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});
