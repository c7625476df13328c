/**
 * The list value (Redis's t_list.c object): a growable ring buffer of binary
 * strings. Pushing and popping at either end is O(1) amortised, reading any
 * index is O(1), a range of m elements costs O(m), and inserting or removing in
 * the middle moves the shorter side, so an edit near either end stays cheap.
 *
 * Redis 7.0 keeps every list in a quicklist (a linked list of listpacks) and
 * OBJECT ENCODING says so whatever the size; its node size and compression
 * settings change memory use only, never a reply, so they do not show here.
 *
 * @module
 */
import type { Collection } from "./collection.ts";

/** Smallest buffer; a power of two, as every capacity is (indexes wrap with a mask). */
const MIN_CAPACITY = 8;

export class ListValue implements Collection {
  get type(): "list" {
    return "list";
  }
  /** Slots; the live ones are `length` slots from `head`, wrapping. Free slots hold undefined. */
  private slots: (string | undefined)[] = new Array(MIN_CAPACITY);
  private head = 0;
  private length = 0;

  get size(): number {
    return this.length;
  }

  warm(): number {
    return this.slots.length;
  }

  encoding(): string {
    return "quicklist";
  }

  /** The buffer position of element `index`. */
  private slot(index: number): number {
    return (this.head + index) & (this.slots.length - 1);
  }

  /** Copies the elements into a buffer of `capacity` slots, starting at slot 0. */
  private resize(capacity: number): void {
    const slots: (string | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.length; i++) slots[i] = this.slots[this.slot(i)];
    this.slots = slots;
    this.head = 0;
  }

  private growIfFull(): void {
    if (this.length === this.slots.length) this.resize(this.slots.length * 2);
  }

  /** Gives memory back once three quarters of the buffer are free. */
  private shrinkIfSparse(): void {
    const capacity = this.slots.length;
    if (capacity > MIN_CAPACITY && this.length <= capacity / 4) this.resize(capacity / 2);
  }

  /** Adds `value` at the head (left) or the tail. */
  push(value: string, left: boolean): void {
    this.growIfFull();
    if (left) {
      this.head = (this.head - 1) & (this.slots.length - 1);
      this.slots[this.head] = value;
    } else {
      this.slots[this.slot(this.length)] = value;
    }
    this.length++;
  }

  /** Removes and returns the head (left) or tail element; the list must not be empty. */
  pop(left: boolean): string {
    const at = left ? this.head : this.slot(this.length - 1);
    const value = this.slots[at]!;
    this.slots[at] = undefined;
    if (left) this.head = (this.head + 1) & (this.slots.length - 1);
    this.length--;
    this.shrinkIfSparse();
    return value;
  }

  /** The element at `index`, which must be in 0 .. size - 1. */
  at(index: number): string {
    return this.slots[this.slot(index)]!;
  }

  /** Replaces the element at `index`, which must be in 0 .. size - 1. */
  set(index: number, value: string): void {
    this.slots[this.slot(index)] = value;
  }

  /** Elements `start` .. `end` inclusive, both within the list, in order. */
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start + 1);
    for (let i = start; i <= end; i++) out[i - start] = this.at(i);
    return out;
  }

  /** Keeps elements `start` .. `end` inclusive (both within the list), dropping the rest. */
  trim(start: number, end: number): void {
    for (let i = 0; i < start; i++) this.slots[this.slot(i)] = undefined;
    for (let i = end + 1; i < this.length; i++) this.slots[this.slot(i)] = undefined;
    this.head = this.slot(start);
    this.length = end - start + 1;
    this.shrinkIfSparse();
  }

  /** Inserts `value` so that it becomes element `index` (0 .. size), moving the shorter side. */
  insert(index: number, value: string): void {
    this.growIfFull();
    if (index < this.length / 2) {
      this.head = (this.head - 1) & (this.slots.length - 1);
      for (let i = 0; i < index; i++) this.slots[this.slot(i)] = this.slots[this.slot(i + 1)];
    } else {
      for (let i = this.length; i > index; i--) this.slots[this.slot(i)] = this.slots[this.slot(i - 1)];
    }
    this.slots[this.slot(index)] = value;
    this.length++;
  }

  /**
   * Calls `visit` with the index of each element equal to `value`, from the
   * head or (fromTail) the tail, looking at no more than `maxlen` elements when
   * maxlen > 0, until visit returns false. LPOS, LINSERT's pivot.
   */
  find(value: string, fromTail: boolean, maxlen: number, visit: (index: number) => boolean): void {
    const n = maxlen > 0 && maxlen < this.length ? maxlen : this.length;
    for (let k = 0; k < n; k++) {
      const i = fromTail ? this.length - 1 - k : k;
      if (this.at(i) === value && !visit(i)) return;
    }
  }

  /**
   * Removes elements equal to `value`, all of them when count is 0, else the
   * first |count| from the head (count > 0) or the tail (count < 0), in one
   * pass that closes the gaps; returns how many went (LREM).
   */
  remove(value: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const n = this.length;
    const fromTail = count < 0;
    // Walk from the chosen end, copying survivors towards that end.
    const step = fromTail ? -1 : 1;
    let read = fromTail ? n - 1 : 0;
    let write = read;
    let removed = 0;
    for (let k = 0; k < n; k++, read += step) {
      const element = this.at(read);
      if (removed < limit && element === value) {
        removed++;
        continue;
      }
      if (write !== read) this.set(write, element);
      write += step;
    }
    if (removed === 0) return 0;
    // The freed slots are now at the far end of the walk.
    for (let k = 0; k < removed; k++, write += step) this.slots[this.slot(write)] = undefined;
    if (fromTail) this.head = this.slot(removed);
    this.length -= removed;
    this.shrinkIfSparse();
    return removed;
  }

  clone(): ListValue {
    const copy = new ListValue();
    copy.slots = new Array(this.slots.length);
    for (let i = 0; i < this.length; i++) copy.slots[i] = this.at(i);
    copy.length = this.length;
    return copy;
  }
}
