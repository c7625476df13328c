/**
 * File helpers shared by RDB saving and the AOF: config paths, complete
 * writes, error texts for log lines.
 *
 * @module
 */
import { binaryToBytes } from "../util/latin1.ts";

const utf8 = new TextDecoder();

/** A config path value (a binary string, as every argument is) as a file system path. */
export function pathOf(binary: string): string {
  return utf8.decode(binaryToBytes(binary));
}

/** An error's message, for a log line or a reply. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Writes all of `bytes` (a single write may take less). */
export function writeAllSync(file: Deno.FsFile, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}

/** Writes all of `bytes`, without blocking the event loop. */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
