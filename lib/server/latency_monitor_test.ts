import assert from "node:assert/strict";
import { LatencyMonitor } from "./latency_monitor.ts";

Deno.test("LatencyMonitor keeps the worst spike per second, the newest 160 seconds, and the all-time high", () => {
  const monitor = new LatencyMonitor();
  monitor.add("command", 5, 1000);
  monitor.add("command", 3, 1000);
  monitor.add("command", 9, 1000);
  monitor.add("command", 2, 1001);
  assert.deepEqual(monitor.history("command"), [[1000, 9], [1001, 2]]);
  assert.deepEqual(monitor.latest(), [{ event: "command", time: 1001, latency: 2, max: 9 }]);
  for (let second = 1002; second < 1200; second++) monitor.add("command", 1, second);
  const history = monitor.history("command");
  assert.equal(history.length, 160);
  assert.deepEqual(history[0], [1040, 1]);
  assert.deepEqual(history[159], [1199, 1]);
  assert.equal(monitor.latest()[0].max, 9, "the all-time high outlives its sample");
  assert.deepEqual(monitor.history("nosuch"), []);
});

Deno.test("LatencyMonitor.reset forgets one event class (any letter case) or all", () => {
  const monitor = new LatencyMonitor();
  monitor.add("command", 5, 1000);
  monitor.add("fast-command", 5, 1000);
  assert.equal(monitor.reset("nosuch"), 0);
  assert.equal(monitor.reset("COMMAND"), 1);
  assert.deepEqual(monitor.latest().map((spike) => spike.event), ["fast-command"]);
  monitor.add("command", 5, 1000);
  assert.equal(monitor.reset(), 2);
  assert.deepEqual(monitor.latest(), []);
});

Deno.test("LatencyMonitor.graph draws Redis's sparkline: bars scaled between low and high, then the ages", () => {
  const monitor = new LatencyMonitor();
  assert.equal(monitor.graph("command"), undefined);
  monitor.add("command", 10, 1000);
  monitor.add("command", 20, 1001);
  monitor.add("command", 40, 1070);
  assert.equal(
    monitor.graph("command", 1075),
    "command - high 40 ms, low 10 ms (all time high 40 ms)\n" +
      "-".repeat(80) + "\n" +
      "  #\n" +
      "  |\n" +
      " o|\n" +
      "_||\n" +
      "   \n" +
      "115\n" +
      "mms\n",
  );
});

Deno.test("LatencyMonitor.doctor: disabled, quiet, and a report with Redis's advice for command spikes", () => {
  const monitor = new LatencyMonitor();
  const context = { threshold: 0, slowlogSlowerThan: 10000, anonHugePages: 0 };
  assert.match(monitor.doctor(context), /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/);
  assert.match(monitor.doctor({ ...context, threshold: 1 }), /^Dave, no latency spike was observed/);
  const now = Math.floor(Date.now() / 1000);
  monitor.add("command", 12, now - 3);
  monitor.add("command", 20, now - 1);
  const report = monitor.doctor({ ...context, threshold: 5 });
  assert.ok(
    report.startsWith(
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you " +
        "Dave?\n\n1. command: 2 latency spikes (average 16ms, mean deviation 4ms, period 1.50 sec). Worst all " +
        "time event 20ms.\n\nI have a few advices for you:\n\n- Your current Slow Log configuration only logs " +
        "events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET " +
        "slowlog-log-slower-than 5000'.\n- Check your Slow Log",
    ),
    report,
  );
  assert.match(
    monitor.doctor({ ...context, threshold: 5, slowlogSlowerThan: -1 }),
    /Try to enable the Slow Log/,
  );
});
