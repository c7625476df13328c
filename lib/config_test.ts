import assert from "node:assert/strict";
import { join } from "node:path";
import {
  Config,
  ConfigError,
  isSensitiveParam,
  NOTIFY,
  paramsWithoutEffect,
  parseCommandLine,
} from "./config.ts";

/** Defaults as Redis 7.0.15's CONFIG GET prints them, but for `bind` (loopback, as redis.conf ships). */
const DEFAULTS: Record<string, string> = {
  "appendfsync": "everysec",
  "appendonly": "no",
  "bind": "127.0.0.1 -::1",
  "client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
  "client-query-buffer-limit": "1073741824",
  "daemonize": "no",
  "databases": "16",
  "dbfilename": "dump.rdb",
  "hash-max-listpack-entries": "512",
  "hash-max-ziplist-value": "64",
  "hz": "10",
  "latency-tracking-info-percentiles": "50 99 99.9",
  "list-max-ziplist-size": "-2",
  "loglevel": "notice",
  "lua-time-limit": "5000",
  "maxclients": "10000",
  "maxmemory": "0",
  "maxmemory-clients": "0",
  "maxmemory-policy": "noeviction",
  "notify-keyspace-events": "",
  "oom-score-adj-values": "0 200 800",
  "pidfile": "",
  "port": "6379",
  "proc-title-template": "{title} {listen-addr} {server-mode}",
  "proto-max-bulk-len": "536870912",
  "replicaof": "",
  "requirepass": "",
  "save": "3600 1 300 100 60 10000",
  "set-max-intset-entries": "512",
  "shutdown-on-sigterm": "default",
  "slave-priority": "100",
  "slowlog-log-slower-than": "10000",
  "timeout": "0",
  "tls-auth-clients": "yes",
  "unixsocketperm": "0",
  "zset-max-listpack-entries": "128",
};

Deno.test("defaults are Redis 7.0.15's", () => {
  const config = new Config();
  for (const [name, value] of Object.entries(DEFAULTS)) {
    assert.equal(config.get(name), value, name);
  }
  assert.equal(config.get("dir"), Deno.cwd());
  assert.equal(config.configGet(["*"]).length, 192);
});

/** Values that depend on how the reference server was started. */

Deno.test("CONFIG GET: globs, aliases, exact names, each once", () => {
  const config = new Config();
  const names = (patterns: string[]) => config.configGet(patterns).map(([name]) => name).sort();
  assert.deepEqual(names(["maxmemory*"]), [
    "maxmemory",
    "maxmemory-clients",
    "maxmemory-eviction-tenacity",
    "maxmemory-policy",
    "maxmemory-samples",
  ]);
  assert.deepEqual(names(["*priority*"]), ["replica-priority", "slave-priority"]);
  assert.deepEqual(names(["MAXMEMORY-P*", "maxmemory-policy"]), [
    "maxmemory-policy",
  ]);
  assert.deepEqual(config.configGet(["PoRt", "port", "p?rt"]), [
    ["PoRt", "6379"],
  ]);
  assert.deepEqual(config.configGet(["hash-max-ziplist-entries"]), [
    ["hash-max-ziplist-entries", "512"],
  ]);
  assert.deepEqual(config.configGet(["nosuch", "nosuch*"]), []);
  // Hidden parameters answer to their exact name only.
  assert.deepEqual(config.configGet(["use-exit-on-panic"]), [
    ["use-exit-on-panic", "no"],
  ]);
  assert.deepEqual(config.configGet(["use-exit-*"]), []);
});

Deno.test("CONFIG SET sets, and getters read typed values", () => {
  const config = new Config();
  assert.equal(
    config.configSet([
      "maxmemory",
      "1gb",
      "maxmemory-policy",
      "ALLKEYS-LRU",
      "appendonly",
      "Yes",
      "save",
      "10 1 20 2",
    ]),
    null,
  );
  assert.equal(config.get("maxmemory"), "1073741824");
  assert.equal(config.getNumber("maxmemory"), 1073741824);
  assert.equal(config.getString("maxmemory-policy"), "allkeys-lru");
  assert.equal(config.getBool("appendonly"), true);
  assert.deepEqual(config.saveParams(), [
    { seconds: 10, changes: 1 },
    { seconds: 20, changes: 2 },
  ]);
  assert.equal(config.configSet(["save", ""]), null);
  assert.deepEqual(config.saveParams(), []);
  assert.equal(config.configSet(["bind", "127.0.0.1 ::1"]), null);
  assert.deepEqual(config.bindAddresses(), ["127.0.0.1", "::1"]);
  assert.throws(() => config.getNumber("loglevel"), TypeError);
  assert.throws(() => config.get("nosuch"));
});

Deno.test("CONFIG SET prints values as Redis does", () => {
  const config = new Config();
  const check = (name: string, value: string, printed: string) => {
    assert.equal(config.configSet([name, value]), null, `${name} ${value}`);
    assert.equal(config.get(name), printed, `${name} ${value}`);
  };
  check("maxmemory", "1k", "1000");
  check("maxmemory", "1KB", "1024");
  check("maxmemory", "2Mb", "2097152");
  check("maxmemory", "1g", "1000000000");
  check("maxmemory", "5b", "5");
  check("maxmemory", "99999999999999999999", "18446744073709551615");
  check("maxmemory", "18446744073709551615kb", "18446744073709550592");
  check("maxmemory-clients", "10%", "10%");
  check("maxmemory-clients", "18446744073709551615", "1%");
  check("maxmemory-clients", "64mb", "67108864");
  check("hz", "0", "1");
  check("hz", "100000", "500");
  check("repl-backlog-size", "1", "16384");
  check("notify-keyspace-events", "KEA", "AKE");
  check("notify-keyspace-events", "EKmn", "nKEm");
  check("notify-keyspace-events", "g$lshzxetd", "A");
  check("notify-keyspace-events", "An", "A");
  check("oom-score-adj", "relative", "yes");
  check("shutdown-on-sigterm", "now save", "save now");
  check("shutdown-on-sigterm", "default", "default");
  check("save", "9223372036854775807 2147483648", "9223372036854775807 -2147483648");
  check("save", "+10 +1", "10 1");
  check(
    "client-output-buffer-limit",
    "replica 1k 2kb 3",
    "normal 0 0 0 slave 1000 2048 3 pubsub 33554432 8388608 60",
  );
  check("client-output-buffer-limit", "", "normal 0 0 0 slave 1000 2048 3 pubsub 33554432 8388608 60");
  check("latency-tracking-info-percentiles", "50 99.99999 1.23456789", "50 99.99999 1.234568");
  check("latency-tracking-info-percentiles", "0.0078125 -0 0x10", "0.007812 -0 16");
  check("latency-tracking-info-percentiles", "", "");
  check("bind", "", "");
  check("slave-priority", "5", "5");
  assert.equal(config.get("replica-priority"), "5");
});

Deno.test("CONFIG SET errors are Redis 7.0.15's, word for word", () => {
  const failed = (name: string, message: string) =>
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${message}`;
  const errors: [string[], string][] = [
    [["port"], "ERR wrong number of arguments for 'config|set' command"],
    [["port", "1", "2"], "ERR syntax error"],
    [["foo", "1"], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [["port", "abc"], failed("port", "argument couldn't be parsed into an integer")],
    [["PORT", "+1"], failed("port", "argument couldn't be parsed into an integer")],
    [["port", "65536"], failed("port", "argument must be between 0 and 65535 inclusive")],
    [["maxclients", "-1"], failed("maxclients", "argument must be between 1 and 4294967295 inclusive")],
    [
      ["slowlog-log-slower-than", "-2"],
      failed("slowlog-log-slower-than", "argument must be between -1 and 9223372036854775807 inclusive"),
    ],
    [
      ["list-max-listpack-size", "2147483648"],
      failed("list-max-listpack-size", "argument must be between -2147483648 and 2147483647 inclusive"),
    ],
    [["maxmemory", "1.5k"], failed("maxmemory", "argument must be a memory value")],
    [["maxmemory", " 5"], failed("maxmemory", "argument must be a memory value")],
    [
      ["proto-max-bulk-len", "1000"],
      failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive"),
    ],
    [
      ["hash-max-listpack-value", "18446744073709551615"],
      failed("hash-max-listpack-value", "argument must be between 0 and 9223372036854775807 inclusive"),
    ],
    [["maxmemory-clients", "-1%"], failed("maxmemory-clients", "argument must be a memory or percent value")],
    [
      ["maxmemory-clients", "101%"],
      failed("maxmemory-clients", "percentage argument must be less or equal to 100"),
    ],
    [["appendonly", "1"], failed("appendonly", "argument must be 'yes' or 'no'")],
    [
      ["maxmemory-policy", "lru"],
      failed(
        "maxmemory-policy",
        "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
      ),
    ],
    [
      ["loglevel", "notice warning"],
      failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning"),
    ],
    [
      ["shutdown-on-sigint", "save nosave"],
      failed("shutdown-on-sigint", "shutdown options SAVE and NOSAVE can't be used simultaneously"),
    ],
    [["save", "0 1"], failed("save", "Invalid save parameters")],
    [["save", "10"], failed("save", "Invalid save parameters")],
    [["save", "10 1 "], failed("save", "Invalid save parameters")],
    [
      ["bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"],
      failed("bind", "Too many bind addresses specified."),
    ],
    [
      ["client-output-buffer-limit", "normal 1 1"],
      failed("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration."),
    ],
    [
      ["client-output-buffer-limit", "master 0 0 0"],
      failed("client-output-buffer-limit", "Invalid client class specified in buffer limit configuration."),
    ],
    [
      ["client-output-buffer-limit", "normal 1 1 -1"],
      failed(
        "client-output-buffer-limit",
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
      ),
    ],
    [["oom-score-adj-values", "1 2"], failed("oom-score-adj-values", "wrong number of arguments")],
    [
      ["oom-score-adj-values", "0 0 2001"],
      failed(
        "oom-score-adj-values",
        "Invalid oom-score-adj-values, elements must be between -2000 and 2000.",
      ),
    ],
    [
      ["notify-keyspace-events", "KEx!"],
      failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
    ],
    [
      ["latency-tracking-info-percentiles", "50 nan"],
      failed("latency-tracking-info-percentiles", "Invalid latency-tracking-info-percentiles parameters"),
    ],
    [
      ["latency-tracking-info-percentiles", "101"],
      failed(
        "latency-tracking-info-percentiles",
        "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
      ),
    ],
    [
      ["cluster-announce-hostname", "a_b"],
      failed(
        "cluster-announce-hostname",
        "Hostnames may only contain alphanumeric characters, hyphens or dots",
      ),
    ],
    [
      ["cluster-announce-hostname", "a".repeat(256)],
      failed("cluster-announce-hostname", "Hostnames must be less than 256 characters"),
    ],
    [
      ["proc-title-template", "{title}"],
      failed("proc-title-template", "template format is invalid or contains unknown variables"),
    ],
    [
      ["proc-title-template", "{nosuch} x"],
      failed("proc-title-template", "template format is invalid or contains unknown variables"),
    ],
    [["daemonize", "no"], failed("daemonize", "can't set immutable config")],
    [["slaveof", "no one"], failed("slaveof", "can't set immutable config")],
    [["dir", "/tmp"], failed("dir", "can't set protected config")],
    [["port", "1", "PORT", "2"], failed("PORT", "duplicate parameter")],
  ];
  for (const [args, expected] of errors) {
    assert.equal(new Config().configSet(args), expected, args.join(" "));
  }
});

Deno.test("CONFIG SET: the first problem wins, nothing is applied", () => {
  const config = new Config();
  assert.equal(
    config.configSet(["timeout", "5", "maxmemory", "x"]),
    "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
  );
  assert.equal(config.get("timeout"), "0");
  assert.equal(
    config.configSet(["maxmemory", "x", "daemonize", "no", "foo", "1"]),
    "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config",
  );
  assert.equal(
    config.configSet(["foo", "1", "daemonize", "no"]),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assert.equal(
    config.configSet(["SLAVE-priority", "x"]),
    "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer",
  );
  // An alias and its parameter are different names for CONFIG SET: the last wins.
  assert.equal(config.configSet(["slave-priority", "1", "replica-priority", "2"]), null);
  assert.equal(config.get("replica-priority"), "2");
});

Deno.test("CONFIG SET: protected and loading-time refusals", () => {
  const config = new Config();
  config.loadText("enable-protected-configs local");
  assert.match(config.configSet(["dir", Deno.cwd()])!, /can't set protected config$/);
  assert.equal(config.configSet(["dir", Deno.cwd()], { localClient: true }), null);
  assert.equal(
    config.configSet(["appendonly", "yes"], { loading: true }),
    "LOADING Redis is loading the dataset in memory",
  );
  assert.equal(config.configSet(["maxmemory", "1mb"], { loading: true }), null);
});

Deno.test("CONFIG SET runs hooks of changed values and rolls back on refusal", () => {
  const config = new Config();
  const calls: string[] = [];
  const listen = () => {
    calls.push(`listen ${config.get("port")} ${config.get("bind")}`);
    return config.getNumber("port") === 1 ? "Unable to listen on this port. Check server logs." : undefined;
  };
  config.onChange("port", listen);
  config.onChange("bind", listen);
  config.onChange("timeout", () => {
    calls.push(`timeout ${config.get("timeout")}`);
    return undefined;
  });

  assert.equal(config.configSet(["port", "7000", "bind", "127.0.0.1", "timeout", "0"]), null);
  assert.deepEqual(calls, ["listen 7000 127.0.0.1"]);

  calls.length = 0;
  assert.equal(
    config.configSet(["timeout", "9", "port", "1"]),
    "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
  );
  assert.deepEqual(calls, ["timeout 9", "listen 1 127.0.0.1", "timeout 0", "listen 7000 127.0.0.1"]);
  assert.equal(config.get("timeout"), "0");
  assert.equal(config.get("port"), "7000");
  // The refused value was read as a number (by the hook) before the rollback: no stale answer stays.
  assert.equal(config.getNumber("port"), 7000);
  assert.equal(config.getNumber("timeout"), 0);
});

Deno.test("loadText: comments, quoting, case, repeats, save rules", () => {
  const config = new Config();
  config.loadText(
    [
      "# a comment",
      "",
      "   PORT   7001   ",
      'requirepass "p a\\x41\\"s\\n"',
      "masterauth 'it\\'s'",
      "maxmemory-policy allkeys-lru",
      "maxmemory-policy allkeys-lfu",
      "bind 127.0.0.1 ::1",
      "save 900 1",
      "save 300 10",
      "hash-max-ziplist-entries 64",
      "list-max-ziplist-entries 5",
      'rename-command FLUSHALL ""',
      "hz 0",
    ].join("\n"),
  );
  assert.equal(config.get("port"), "7001");
  assert.equal(config.get("requirepass"), 'p aA"s\n');
  assert.equal(config.get("masterauth"), "it's");
  assert.equal(config.get("maxmemory-policy"), "allkeys-lfu");
  assert.equal(config.get("bind"), "127.0.0.1 ::1");
  assert.equal(config.get("save"), "900 1 300 10");
  assert.equal(config.get("hash-max-listpack-entries"), "64");
  assert.equal(config.get("hz"), "1");
  assert.deepEqual(config.directives, [{ name: "rename-command", args: ["FLUSHALL", ""] }]);

  const reset = new Config();
  reset.loadText('save 10 1\nsave ""\nsave 30 3');
  assert.equal(reset.get("save"), "30 3");
  reset.loadText("save");
  assert.equal(reset.get("save"), "30 3");
  const bare = new Config();
  bare.loadText("save");
  assert.equal(bare.get("save"), "");
});

Deno.test("loadText errors name the file and line", () => {
  const failure = (text: string) => {
    try {
      new Config().loadText(text, "redis.conf");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(
    failure("port 1\n\nfoo bar"),
    "redis.conf:3: Bad directive or wrong number of arguments ('foo bar')",
  );
  assert.equal(failure("port 1 2"), "redis.conf:1: wrong number of arguments ('port 1 2')");
  assert.equal(
    failure("port abc"),
    "redis.conf:1: argument couldn't be parsed into an integer ('port abc')",
  );
  assert.equal(
    failure('port "12"a'),
    "redis.conf:1: Unbalanced quotes in configuration line ('port \"12\"a')",
  );
  assert.equal(failure("replicaof h 70000"), "redis.conf:1: Invalid master port ('replicaof h 70000')");
  assert.equal(failure("dir /etc/passwd"), "redis.conf:1: Not a directory ('dir /etc/passwd')");
  assert.equal(
    failure("dbfilename a/b"),
    "redis.conf:1: dbfilename can't be a path, just a filename ('dbfilename a/b')",
  );
  assert.equal(
    failure('appenddirname ""'),
    "redis.conf:1: appenddirname can't be empty ('appenddirname \"\"')",
  );
  assert.equal(
    failure("list-max-ziplist-entries 5 6"),
    "redis.conf:1: Bad directive or wrong number of arguments ('list-max-ziplist-entries 5 6')",
  );
  assert.throws(() => new Config().loadText("foo"), {
    message: "line 1: Bad directive or wrong number of arguments ('foo')",
  });
});

Deno.test("include is relative to the including file, globs, and nests", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.mkdirSync(join(dir, "conf.d"));
    Deno.writeTextFileSync(
      join(dir, "main.conf"),
      "port 7001\ninclude conf.d/*.conf\ninclude empty.d/*.conf\ntimeout 3\n",
    );
    Deno.mkdirSync(join(dir, "empty.d"));
    Deno.writeTextFileSync(join(dir, "conf.d", "a.conf"), "timeout 1\ninclude ../more.conf\n");
    Deno.writeTextFileSync(join(dir, "conf.d", "b.conf"), "maxmemory 1mb\n");
    Deno.writeTextFileSync(join(dir, "more.conf"), "loglevel warning\n");
    const config = new Config();
    config.loadFile(join(dir, "main.conf"));
    assert.equal(config.get("port"), "7001");
    assert.equal(config.get("timeout"), "3");
    assert.equal(config.get("maxmemory"), "1048576");
    assert.equal(config.get("loglevel"), "warning");
    assert.equal(config.configFile, join(dir, "main.conf"));

    Deno.writeTextFileSync(join(dir, "missing.conf"), "include nowhere.conf\n");
    assert.throws(() => new Config().loadFile(join(dir, "missing.conf")), {
      message: `${join(dir, "missing.conf")}:1: Can't open config file '${
        join(dir, "nowhere.conf")
      }': No such file or directory ('include nowhere.conf')`,
    });
    Deno.writeTextFileSync(join(dir, "loop.conf"), "include loop.conf\n");
    assert.throws(
      () => new Config().loadFile(join(dir, "loop.conf")),
      /include nested more than 16 levels deep/,
    );
    assert.throws(() => new Config().loadFile(join(dir, "none.conf")), {
      message: `Can't open config file '${join(dir, "none.conf")}': No such file or directory`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir is kept as a real absolute path", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    Deno.mkdirSync(join(dir, "sub"));
    const config = new Config();
    config.loadText(`dir ${dir}\ndir sub`);
    assert.equal(config.get("dir"), join(dir, "sub"));
    assert.throws(() => config.loadText("dir nosuch"), /No such file or directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("command line: file, flags, several values, help and version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "redis.conf");
    Deno.writeTextFileSync(file, "port 7001\nsave 900 1\n");
    const run = async (args: string[]) => {
      const parsed = await parseCommandLine(args);
      assert.equal(parsed.action, "run");
      return (parsed as { config: Config }).config;
    };
    let config = await run([file, "--bind", "127.0.0.1", "::1", "--save", "60", "100", "--Port", "7002"]);
    assert.equal(config.configFile, file);
    assert.equal(config.get("bind"), "127.0.0.1 ::1");
    assert.equal(config.get("save"), "900 1 60 100");
    assert.equal(config.get("port"), "7002");

    config = await run(["--save", "", "--port 6380", "--requirepass", "--secret"]);
    assert.equal(config.get("save"), "");
    assert.equal(config.get("port"), "6380");
    assert.equal(config.get("requirepass"), "--secret");
    assert.equal(config.configFile, undefined);
    assert.equal((await run(["--save", "60 100"])).get("save"), "60 100");
    assert.equal((await run(["--save", '"60 100'])).get("save"), "");
    assert.equal((await run(["--bind", "127.0.0.1 ::1"])).get("bind"), "127.0.0.1 ::1");
    assert.equal((await run(["--save", "--port", "1"])).get("save"), "");
    assert.equal((await run(["--hz", "5", "--save"])).get("save"), "");
    assert.equal((await run(["--notify-keyspace-events", "KEA"])).get("notify-keyspace-events"), "AKE");

    assert.deepEqual(await parseCommandLine(["--help"]), { action: "help" });
    assert.deepEqual(await parseCommandLine(["-h"]), { action: "help" });
    assert.deepEqual(await parseCommandLine(["-v"]), { action: "version" });
    assert.deepEqual(await parseCommandLine(["--port", "1", "--version"]), { action: "version" });

    const rejects = (args: string[], message: string) =>
      assert.rejects(() => parseCommandLine(args), { message });
    await rejects(["--nosuch", "1"], "--nosuch 1: Bad directive or wrong number of arguments");
    await rejects(["--port", "abc"], "--port abc: argument couldn't be parsed into an integer");
    await rejects(["--hz", "5", "6"], "--hz 5 6: wrong number of arguments");
    await rejects(["--requirepass", "a b", "c"], '--requirepass "a b" c: wrong number of arguments');
    await rejects(["--port"], "--port: wrong number of arguments");
    await rejects(["--port abc"], "--port abc: argument couldn't be parsed into an integer");
    await rejects(
      [file, "extra"],
      "Unexpected argument 'extra': the config file comes first, then options as --name value",
    );
    await rejects(
      [join(dir, "nope.conf")],
      `Can't open config file '${join(dir, "nope.conf")}': No such file or directory`,
    );
    await assert.rejects(() => parseCommandLine(["--port", "x"]), ConfigError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CONFIG REWRITE keeps the file's shape and round-trips", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const file = join(dir, "redis.conf");
    Deno.writeTextFileSync(
      file,
      [
        "# top comment",
        "port 7001",
        "include extra.conf",
        'rename-command FLUSHALL ""',
        "slave-priority 50",
        "save 900 1",
        "save 300 10",
        "",
        "",
        "   # indented comment",
        "hash-max-ziplist-entries 10",
        "list-max-ziplist-entries 5",
        'unixsocket ""',
        "bind 127.0.0.1",
        "timeout 0",
        "",
      ].join("\n"),
    );
    Deno.writeTextFileSync(join(dir, "extra.conf"), "maxmemory 100mb\n");
    const config = new Config();
    config.loadFile(file);
    assert.equal(config.get("save"), "900 1 300 10");
    for (
      const [name, value] of [
        ["save", "60 5"],
        ["replica-priority", "100"],
        ["hash-max-listpack-entries", "20"],
        ["timeout", "5"],
        ["maxmemory", "0"],
        ["bind", "127.0.0.1 -::1"],
        ["client-output-buffer-limit", "normal 1mb 0 0"],
        ["maxmemory-clients", "5%"],
        ["notify-keyspace-events", "KEA"],
        ["requirepass", 'sec"ret'],
        ["latency-tracking-info-percentiles", ""],
      ]
    ) {
      assert.equal(config.configSet([name, value]), null, name);
    }
    assert.equal(config.rewrite(), null);
    assert.equal(
      Deno.readTextFileSync(file),
      [
        "# top comment",
        "port 7001",
        "include extra.conf",
        'rename-command FLUSHALL ""',
        "replica-priority 100",
        "save 60 5",
        "",
        "# indented comment",
        "hash-max-listpack-entries 20",
        "# ??? list-max-ziplist-entries 5",
        "",
        "timeout 5",
        "",
        "# Generated by CONFIG REWRITE",
        'requirepass "sec\\"ret"',
        "maxmemory-clients 5%",
        `dir "${Deno.cwd()}"`,
        "client-output-buffer-limit normal 1mb 0 0",
        'notify-keyspace-events "AKE"',
        'latency-tracking-info-percentiles ""',
        "",
      ].join("\n"),
    );

    const reloaded = new Config();
    reloaded.loadFile(file);
    for (const [name, value] of config.configGet(["*"])) {
      if (name !== "maxmemory") assert.equal(reloaded.get(name), value, name);
    }
    assert.equal(reloaded.get("maxmemory"), "104857600"); // from extra.conf, as in Redis

    assert.equal(config.rewrite(), null);
    const again = Deno.readTextFileSync(file);
    assert.equal(again.split("# Generated by CONFIG REWRITE").length, 2);
    assert.equal(new Config().rewrite(), "ERR The server is running without a config file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CONFIG REWRITE creates a missing file with what differs from the defaults", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const config = new Config();
    config.configFile = join(dir, "new.conf");
    config.configSet(["maxmemory", "3000000", "repl-backlog-size", "2gb"]);
    assert.equal(config.rewrite(), null);
    assert.equal(
      Deno.readTextFileSync(config.configFile),
      [
        "# Generated by CONFIG REWRITE",
        "repl-backlog-size 2gb",
        "maxmemory 3000000",
        `dir "${Deno.cwd()}"`,
        "save 3600 1",
        "save 300 100",
        "save 60 10000",
        "latency-tracking-info-percentiles 50 99 99.9",
        "",
      ].join("\n"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notify-keyspace-events reads as class bits", () => {
  const config = new Config();
  config.configSet(["notify-keyspace-events", "Kx"]);
  assert.equal(config.getNumber("notify-keyspace-events"), NOTIFY.KEYSPACE | NOTIFY.EXPIRED);
  config.configSet(["notify-keyspace-events", "AE"]);
  assert.equal(config.getNumber("notify-keyspace-events"), NOTIFY.ALL | NOTIFY.KEYEVENT);
});

Deno.test("parameters without effect", () => {
  const names = paramsWithoutEffect();
  assert.ok(names.includes("activedefrag"));
  assert.ok(names.includes("tls-ciphers"));
  assert.ok(!names.includes("tls-port"));
  assert.ok(!names.includes("appendonly"));
  assert.ok(!names.includes("proto-max-bulk-len"));
  assert.ok(!names.includes("use-exit-on-panic"), "hidden test parameters are not listed");
  assert.ok(!names.includes("slave-priority"), "aliases are not listed");
  assert.equal(names.length, 173 - 59);
  assert.ok(!names.includes("latency-tracking"));
  assert.equal(isSensitiveParam("requirepass"), true);
  assert.equal(isSensitiveParam("MasterAuth"), true);
  assert.equal(isSensitiveParam("port"), false);
});
