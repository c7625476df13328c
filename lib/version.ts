/** Redix's own version, reported as `redix_version` and by `--version`. */
export const REDIX_VERSION = "0.1.0";

/**
 * The Redis version whose behaviour Redix matches. Clients read `redis_version`
 * from INFO and HELLO to decide which features to use, so it is Redis's number.
 */
export const REDIS_VERSION = "7.0.15";
