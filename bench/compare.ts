/**
 * `deno task bench`: redis-benchmark against Redix and a real redis-server, side
 * by side, in the same run, printing requests/s for each and the ratio
 * Redix/Redis as a Markdown table (the one README keeps).
 *
 * Options: --requests N (default 1000000), --clients N (default 50),
 * --tests ping,set,get (redis-benchmark -t; the default covers strings and
 * every collection type), --pipelines 1,16, --repeat N (default 1): N rounds,
 * reporting each server's median, because on a small machine one -P 1 run of
 * either server can be off by 20-40%.
 *
 * Both servers run side by side and each test is run on one and then at once
 * on the other (which one goes first alternates between rounds), so that the
 * two figures of a ratio are taken seconds apart: on a shared machine the
 * speed of both drifts over minutes, and a whole run of every test on one
 * server and then on the other put that drift into the ratios. The tests are
 * run one redis-benchmark at a time in redis-benchmark's own order, so every
 * test finds the state the tests before it left (LPOP pops what LPUSH pushed),
 * as in one run of them all.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "1000000" },
    clients: { type: "string", default: "50" },
    tests: {
      type: "string",
      default:
        "ping,set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,spop,hset,zadd,zpopmin,lrange_100,lrange_300,lrange_600",
    },
    pipelines: { type: "string", default: "1,16" },
    repeat: { type: "string", default: "1" },
  },
});

async function hasProgram(name: string): Promise<boolean> {
  const { success } = await new Deno.Command("sh", {
    args: ["-c", `command -v ${name}`],
    stdout: "null",
  }).output();
  return success;
}

for (const tool of ["redis-benchmark", "redis-server"]) {
  if (!await hasProgram(tool)) {
    console.log(
      `bench: ${tool} not found; skipping. Install it with: apt-get install -y redis-server redis-tools`,
    );
    Deno.exit(0);
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(`nothing listens on port ${port}`);
}

interface Server {
  name: string;
  port: number;
  process: Deno.ChildProcess;
}

async function start(name: string, command: string, args: string[]): Promise<Server> {
  const port = freePort();
  const process = new Deno.Command(command, {
    args: [...args, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForPort(port);
  return { name, port, process };
}

/**
 * redis-benchmark's -t names in the order it runs them. The LRANGE tests are
 * one step: redis-benchmark runs the LPUSH they read before them.
 */
const RUN_ORDER = [
  "ping_inline",
  "ping_mbulk",
  "ping",
  "set",
  "get",
  "incr",
  "lpush",
  "rpush",
  "lpop",
  "rpop",
  "sadd",
  "hset",
  "spop",
  "zadd",
  "zpopmin",
  "lrange",
  "mset",
];

/** The requested tests as redis-benchmark -t lists, one per run, in redis-benchmark's order. */
function steps(tests: string[]): string[] {
  const rank = (test: string) => {
    const at = RUN_ORDER.indexOf(test.startsWith("lrange") ? "lrange" : test);
    return at === -1 ? RUN_ORDER.length : at;
  };
  const ordered = tests.toSorted((a, b) => rank(a) - rank(b));
  const lranges = ordered.filter((test) => test.startsWith("lrange"));
  const result = ordered.filter((test) => !test.startsWith("lrange"));
  if (lranges.length > 0) result.splice(ordered.indexOf(lranges[0]), 0, lranges.join(","));
  return result;
}

/** Runs redis-benchmark for `tests` (its -t) and returns requests/s per test name. */
async function benchmark(port: number, pipeline: number, tests: string): Promise<Map<string, number>> {
  const { stdout, success } = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-t",
      tests,
      "-n",
      values.requests!,
      "-c",
      values.clients!,
      "-r",
      "100000",
      "-P",
      String(pipeline),
      "--csv",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!success) throw new Error("redis-benchmark failed");
  const results = new Map<string, number>();
  for (const line of new TextDecoder().decode(stdout).split("\n").slice(1)) {
    const [test, rps] = line.split(",").map((field) => field.replaceAll('"', ""));
    if (test && rps) results.set(test, Number(rps));
  }
  return results;
}

const redixEntry = new URL("../main.ts", import.meta.url).pathname;
/** Both servers, freshly started. */
async function startBoth(): Promise<Server[]> {
  return [
    await start("Redix", Deno.execPath(), [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      redixEntry,
    ]),
    await start("Redis", "redis-server", []),
  ];
}

async function stopAll(servers: Server[]): Promise<void> {
  for (const server of servers) {
    server.process.kill("SIGKILL");
    await server.process.status;
  }
}

const rounds = Math.max(1, Number(values.repeat));

// Deno refuses to read /proc without --allow-all, so ask grep.
const cpuInfo = await new Deno.Command("grep", {
  args: ["-m1", "model name", "/proc/cpuinfo"],
  stdout: "piped",
})
  .output();
const cpu = new TextDecoder().decode(cpuInfo.stdout).split(":")[1]?.trim() ?? "unknown CPU";
console.log(
  `Machine: ${cpu}, ${navigator.hardwareConcurrency} cores; Deno ${Deno.version.deno}; ` +
    `redis-benchmark -t ${values.tests} -n ${values.requests} -c ${values.clients} -r 100000 -P <pipeline>` +
    (rounds > 1 ? `; median of ${rounds} rounds` : "") + "; each test on both servers in turn\n",
);
console.log("| test | pipeline | Redix req/s | Redis req/s | Redix/Redis |");
console.log("|---|---|---|---|---|");
function median(samples: number[]): number {
  const sorted = samples.toSorted((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

for (const pipeline of values.pipelines!.split(",").map(Number)) {
  const samples = [new Map<string, number[]>(), new Map<string, number[]>()];
  for (let round = 0; round < rounds; round++) {
    // Fresh servers each round, so that every round starts from the same (empty) state on both.
    const servers = await startBoth();
    try {
      for (const tests of steps(values.tests!.split(","))) {
        for (let k = 0; k < servers.length; k++) {
          const i = (k + round) % servers.length;
          for (const [test, rps] of await benchmark(servers[i].port, pipeline, tests)) {
            samples[i].set(test, [...samples[i].get(test) ?? [], rps]);
          }
        }
      }
    } finally {
      await stopAll(servers);
    }
  }
  const [ours, theirs] = samples;
  for (const [test, redisSamples] of theirs) {
    const redixRps = median(ours.get(test) ?? [0]);
    const redisRps = median(redisSamples);
    console.log(
      `| ${test} | ${pipeline} | ${Math.round(redixRps)} | ${Math.round(redisRps)} | ${
        (redixRps / redisRps).toFixed(2)
      } |`,
    );
  }
}
