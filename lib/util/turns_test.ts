import assert from "node:assert/strict";
import { Turns } from "./turns.ts";

Deno.test("Turns: next() lets timers and I/O run, unlike a microtask", async () => {
  const turns = new Turns();
  try {
    let fired = false;
    setTimeout(() => fired = true, 0);
    let waited = 0;
    // A promise-only yield would never let the timer fire; bounded so a regression fails, not hangs.
    while (!fired && waited < 100_000) {
      await turns.next();
      waited++;
    }
    assert.ok(fired, `the timer did not fire in ${waited} turns`);
  } finally {
    turns.close();
  }
});

Deno.test("Turns: waiters resolve in order, and close() releases those still waiting", async () => {
  const turns = new Turns();
  const order: number[] = [];
  const all = [0, 1, 2].map((i) => turns.next().then(() => order.push(i)));
  await Promise.all(all);
  assert.deepEqual(order, [0, 1, 2]);
  const pending = turns.next();
  turns.close();
  await pending;
  // The test's resource sanitizer fails it if close() left the channel open.
});
