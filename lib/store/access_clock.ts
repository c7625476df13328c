/**
 * Redis's per-key access stamp (the 24-bit `lru` field of each object), which
 * OBJECT IDLETIME and OBJECT FREQ report and eviction will rank keys by.
 *
 * With an LRU (or no) eviction policy a stamp is the LRU clock, in seconds, at
 * the key's last access. With an LFU policy it is Redis's LFU word: the time in
 * minutes of the last decrement in the high 16 bits and a logarithmic access
 * counter in the low 8, incremented with probability 1 / ((counter - 5) *
 * lfu-log-factor + 1) and decremented once per lfu-decay-time minutes of
 * idleness. As in Redis, stamps written under one policy read as noise under
 * the other until keys are accessed again.
 *
 * @module
 */

/** Redis's LRU_CLOCK_MAX: the clock counts seconds in 24 bits and wraps after 194 days. */
const LRU_CLOCK_MAX = 0xffffff;
/** Redis's LFU_INIT_VAL: new keys start with this counter so they are not evicted at once. */
const LFU_INIT_VAL = 5;
/** LFU minutes wrap at 16 bits (about 45 days). */
const LFU_MINUTES_MAX = 0xffff;

/**
 * The clocks stamps are taken from, shared by every database. They are read on
 * every lookup, so they advance with the server cron (hz times a second) rather
 * than from a system call per lookup, as Redis's server.lruclock does.
 */
export class AccessClock {
  /** Seconds modulo 2^24 (Redis's LRU_CLOCK()). */
  lru = 0;
  /** Minutes modulo 2^16 (Redis's LFUGetTimeInMinutes()). */
  private minutes = 0;
  /** Whether maxmemory-policy is an LFU one, which makes stamps LFU words. */
  lfu = false;
  lfuLogFactor = 10;
  /** Minutes of idleness per counter decrement; 0 never decrements. */
  lfuDecayTime = 1;
  /** Set while a CLIENT NO-TOUCH client's command runs: lookups then leave stamps alone. */
  frozen = false;

  constructor(now = Date.now()) {
    this.update(now);
  }

  update(now: number): void {
    const seconds = Math.floor(now / 1000);
    this.lru = seconds & LRU_CLOCK_MAX;
    this.minutes = Math.floor(seconds / 60) & LFU_MINUTES_MAX;
  }

  /** The stamp of a value just created (Redis's createObject). */
  fresh(): number {
    return this.lfu ? (this.minutes << 8) | LFU_INIT_VAL : this.lru;
  }

  /** An LFU stamp after one more access (Redis's updateLFU). */
  lfuTouched(stamp: number): number {
    let counter = this.frequency(stamp);
    if (counter < 255) {
      const base = Math.max(0, counter - LFU_INIT_VAL);
      if (Math.random() < 1 / (base * this.lfuLogFactor + 1)) counter++;
    }
    return (this.minutes << 8) | counter;
  }

  /** The LFU counter of a stamp, decayed for the minutes since (Redis's LFUDecrAndReturn). */
  frequency(stamp: number): number {
    const then = stamp >>> 8;
    const counter = stamp & 255;
    const elapsed = this.minutes >= then ? this.minutes - then : LFU_MINUTES_MAX - then + this.minutes;
    const periods = this.lfuDecayTime === 0 ? 0 : Math.floor(elapsed / this.lfuDecayTime);
    return periods > counter ? 0 : counter - periods;
  }

  /** Seconds since an LRU stamp (Redis's estimateObjectIdleTime, wrap-around included). */
  idleSeconds(stamp: number): number {
    return this.lru >= stamp ? this.lru - stamp : this.lru + (LRU_CLOCK_MAX - stamp);
  }
}
