/**
 * Yielding to the event loop from long background work (BGSAVE, AOF rewrite)
 * so that clients keep being served.
 *
 * @module
 */

/**
 * Resolves after one turn of the event loop, in which network events are
 * handled: a MessageChannel message, which unlike a chain of setTimeout(0) is
 * not clamped to 4 ms. One channel per background job (BGSAVE, an AOF
 * rewrite), closed at its end: an open port keeps the process alive.
 */
export class Turns {
  private channel = new MessageChannel();
  private waiters: (() => void)[] = [];
  constructor() {
    this.channel.port1.onmessage = () => this.waiters.shift()?.();
  }
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.channel.port2.postMessage(0);
    });
  }
  close(): void {
    this.channel.port1.close();
    this.channel.port2.close();
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
