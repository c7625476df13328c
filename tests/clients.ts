/**
 * Real Redis clients (node-redis and ioredis) connected to a test server, for
 * end-to-end tests: each helper connects, runs the body, disconnects, and
 * fails the test if the client reported an error event on the way.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createClient, type RedisClientOptions } from "redis";
import { Redis, type RedisOptions } from "ioredis";

type NodeRedisClient = ReturnType<typeof createClient>;

/** node-redis on 127.0.0.1:port, with extra options such as password or RESP: 3. */
export async function withNodeRedis(
  port: number,
  options: Omit<RedisClientOptions, "socket">,
  body: (client: NodeRedisClient) => Promise<void>,
): Promise<void> {
  const client = createClient({ ...options, socket: { host: "127.0.0.1", port } }) as NodeRedisClient;
  const errors: unknown[] = [];
  client.on("error", (error) => errors.push(error));
  await client.connect();
  try {
    await body(client);
  } finally {
    await client.quit();
  }
  assert.deepEqual(errors, []);
}

/** ioredis on 127.0.0.1:port, failing fast rather than retrying. */
export async function withIoredis(
  port: number,
  options: RedisOptions,
  body: (redis: Redis) => Promise<void>,
): Promise<void> {
  const redis = new Redis({
    ...options,
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
  });
  await redis.connect();
  try {
    await body(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * The multi-key read-ahead tests' keys: `${prefix}:0` .. `${prefix}:199` holding "v0" .. "v199", every 7th
 * with a TTL (so that each lookup reads the expiry table first), and `${prefix}:other`, a set. Returns the
 * string keys, which span several read-ahead chunks.
 */
export async function writeManyKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys = Array.from({ length: 200 }, (_, i) => `${prefix}:${i}`);
  await redis.mset(...keys.flatMap((key, i) => [key, `v${i}`]));
  for (let i = 0; i < keys.length; i += 7) await redis.expire(keys[i], 1000);
  await redis.sadd(`${prefix}:other`, "m");
  return keys;
}
