/**
 * The versions inferdb reports: the Redis version clients see (HELLO, INFO) and the RedisAI
 * module version (`ai`, 1.2.9 as 10209) that RedisAI and SmartRedis clients check, and
 * inferdb's own version (HTTP `GET /v2`, `--version`).
 */
export const INFERDB_VERSION = "0.1.0";
export const REDIS_VERSION = "7.2.0";
export const AI_MODULE_VERSION = 10209;
