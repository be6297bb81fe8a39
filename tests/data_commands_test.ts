/**
 * The data commands (keys, strings, hashes, lists) on a real server, driven by RawClient for
 * the exact wire replies: option handling, WRONGTYPE, arity and range errors. Expectations were
 * read from redis-server 7.0.15. Real clients, binary keys, pipelining and SCAN under load are
 * in `data_clients_test.ts`; expiry, maxmemory, accounting and 1,000 clients in
 * `data_limits_test.ts`.
 */
import assert from "node:assert/strict";
import { RawClient, Wire } from "./helpers/raw_client.ts";
import { startTestServer } from "./helpers/server.ts";

type Step = [args: (string | number)[], want: Wire];

const OK: Wire = { status: "OK" };
const WRONGTYPE: Wire = {
  error: "WRONGTYPE Operation against a key holding the wrong kind of value",
};
const NOT_INT: Wire = { error: "ERR value is not an integer or out of range" };
const SYNTAX: Wire = { error: "ERR syntax error" };

/** Runs the steps in order on one connection, comparing each reply exactly. */
async function expectReplies(port: number, steps: readonly Step[]): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    for (const [args, want] of steps) {
      assert.deepEqual(await client.call(...args), want, args.join(" "));
    }
  } finally {
    client.close();
  }
}

Deno.test("string commands reply as Redis 7 does", async () => {
  const server = await startTestServer();
  try {
    await expectReplies(server.port, [
      [["SET", "k", "v"], OK],
      [["SET", "k", "v2", "GET"], "v"],
      [["SET", "k", "v3", "NX", "GET"], "v2"],
      [["SET", "nk", "v", "XX"], null],
      [["SET", "k", "v", "EX", "10", "PX", "10"], SYNTAX],
      [["SET", "k", "v", "KEEPTTL", "EX", "10"], SYNTAX],
      [["SET", "k", "v", "EX", "0"], { error: "ERR invalid expire time in 'set' command" }],
      [["SET", "k", "v", "EX", "9223372036854776"], {
        error: "ERR invalid expire time in 'set' command",
      }],
      [["SET", "k", "v", "EX", "20"], OK],
      [["TTL", "k"], 20],
      [["SET", "k", "v", "KEEPTTL"], OK],
      [["TTL", "k"], 20],
      [["SETNX", "k", "x"], 0],
      [["SETEX", "k3", "-5", "v"], { error: "ERR invalid expire time in 'setex' command" }],
      [["PSETEX", "k4", "100000", "v"], OK],
      [["GETDEL", "k4"], "v"],
      [["GETDEL", "k4"], null],
      [["GETEX", "k", "PERSIST"], "v"],
      [["TTL", "k"], -1],
      [["GETEX", "nokey", "EX", "0"], null],
      [["GETEX", "k", "EX", "0"], { error: "ERR invalid expire time in 'getex' command" }],
      [["GETEX", "k", "PERSIST", "EX", "5"], SYNTAX],
      [["MSET", "a", "1", "b", "2"], OK],
      [["MSET", "a", "1", "b"], { error: "ERR wrong number of arguments for 'mset' command" }],
      [["MSETNX", "a", "1", "c", "3"], 0],
      [["MGET", "a", "nokey", "b"], ["1", null, "2"]],
      [["INCRBY", "a", "10"], 11],
      [["DECRBY", "a", "-9223372036854775808"], { error: "ERR decrement would overflow" }],
      [["SET", "big", "9223372036854775806"], OK],
      [["INCR", "big"], 9223372036854775807n],
      [["INCR", "big"], { error: "ERR increment or decrement would overflow" }],
      [["INCR", "k"], NOT_INT],
      [["INCRBYFLOAT", "f", "0.1"], "0.1"],
      [["INCRBYFLOAT", "f", "0.2"], "0.3"],
      [["INCRBYFLOAT", "f", "inf"], { error: "ERR increment would produce NaN or Infinity" }],
      [["INCRBYFLOAT", "k", "1"], { error: "ERR value is not a valid float" }],
      [["APPEND", "ap", "hello"], 5],
      [["APPEND", "ap", " world"], 11],
      [["GETRANGE", "ap", "-5", "-1"], "world"],
      [["GETRANGE", "ap", "0", "9223372036854775807"], "hello world"],
      [["GETRANGE", "ap", "-1", "-5"], ""],
      [["STRLEN", "ap"], 11],
      [["SETRANGE", "sr", "3", "hi"], 5],
      [["GET", "sr"], "\0\0\0hi"],
      [["SETRANGE", "sr", "-1", "x"], { error: "ERR offset is out of range" }],
      [["SETRANGE", "sr", "536870911", "xx"], {
        error: "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
      }],
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("key commands reply as Redis 7 does", async () => {
  const server = await startTestServer();
  try {
    await expectReplies(server.port, [
      [["MSET", "a", "1", "b", "2"], OK],
      [["EXISTS", "a", "a", "b", "nokey"], 3],
      [["DEL", "a", "a", "nokey"], 1],
      [["RENAME", "nokey", "x"], { error: "ERR no such key" }],
      [["EXPIRE", "b", "100"], 1],
      [["RENAME", "b", "c"], OK],
      [["TTL", "c"], 100],
      [["RENAMENX", "c", "c"], 0],
      [["SET", "d", "4"], OK],
      [["RENAMENX", "c", "d"], 0],
      [["COPY", "c", "e"], 1],
      [["TTL", "e"], 100],
      [["COPY", "c", "e"], 0],
      [["COPY", "c", "c"], { error: "ERR source and destination objects are the same" }],
      [["COPY", "c", "c", "DB", "16"], { error: "ERR DB index is out of range" }],
      [["COPY", "c", "c", "DB", "1", "REPLACE"], 1],
      [["EXPIRE", "d", "100", "XX"], 0],
      [["EXPIRE", "d", "100", "GT"], 0],
      [["EXPIRE", "d", "100", "LT"], 1],
      [["EXPIRE", "d", "200", "GT"], 1],
      [["EXPIRE", "d", "50", "GT"], 0],
      [["EXPIRE", "d", "100", "NX", "XX"], {
        error: "ERR NX and XX, GT or LT options at the same time are not compatible",
      }],
      [["EXPIRE", "d", "100", "GT", "LT"], {
        error: "ERR GT and LT options at the same time are not compatible",
      }],
      [["EXPIRE", "d", "100", "foo"], { error: "ERR Unsupported option foo" }],
      [["EXPIRE", "d", "9223372036854775807"], {
        error: "ERR invalid expire time in 'expire' command",
      }],
      [["PEXPIREAT", "d", "4000000000600"], 1],
      [["EXPIRETIME", "d"], 4000000001],
      [["PEXPIRETIME", "d"], 4000000000600],
      [["PERSIST", "d"], 1],
      [["PERSIST", "d"], 0],
      [["TTL", "d"], -1],
      [["PTTL", "nokey"], -2],
      [["EXPIRE", "d", "-1"], 1],
      [["EXISTS", "d"], 0],
      [["TOUCH", "c", "e", "nokey", "c"], 3],
      [["TYPE", "c"], { status: "string" }],
      [["TYPE", "nokey"], { status: "none" }],
      [["SCAN", "abc"], { error: "ERR invalid cursor" }],
      [["SCAN", "0", "COUNT", "0"], SYNTAX],
      [["SCAN", "0", "MATCH", "e", "COUNT", "100"], ["0", ["e"]]],
      [["KEYS", "[ce]"], ["c", "e"]],
      [["SELECT", "1"], OK],
      [["GET", "c"], "2"],
      [["RANDOMKEY"], "c"],
      [["DEL", "c"], 1],
      [["RANDOMKEY"], null],
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("hash and list commands reply as Redis 7 does", async () => {
  const server = await startTestServer();
  try {
    await expectReplies(server.port, [
      [["HSET", "h", "f1", "v1", "f2", "v2"], 2],
      [["HSET", "h", "f1", "x", "f3", "y"], 1],
      [["HSET", "h", "f1"], { error: "ERR wrong number of arguments for 'hset' command" }],
      [["HMSET", "h", "f1", "v", "f2"], {
        error: "ERR wrong number of arguments for 'hmset' command",
      }],
      [["HSETNX", "h", "f1", "z"], 0],
      [["HMGET", "h", "f1", "nof", "f3"], ["x", null, "y"]],
      [["HGETALL", "h"], ["f1", "x", "f2", "v2", "f3", "y"]],
      [["HDEL", "h", "f1", "f1", "nof"], 1],
      [["HINCRBY", "h", "n", "5"], 5],
      [["HINCRBY", "h", "f2", "1"], { error: "ERR hash value is not an integer" }],
      [["HINCRBYFLOAT", "h", "fl", "1.5"], "1.5"],
      [["HINCRBYFLOAT", "h", "fl", "inf"], { error: "ERR value is NaN or Infinity" }],
      [["HINCRBYFLOAT", "h", "f2", "1"], { error: "ERR hash value is not a float" }],
      [["HSTRLEN", "h", "f2"], 2],
      [["HSCAN", "h", "0", "MATCH", "f*"], ["0", ["f2", "v2", "f3", "y", "fl", "1.5"]]],
      [["HSCAN", "nokey", "0", "COUNT", "0"], ["0", []]],
      [["HDEL", "h", "f2", "f3", "n", "fl"], 4],
      [["EXISTS", "h"], 0],
      [["RPUSH", "l", "a", "b", "c"], 3],
      [["LPUSH", "l", "z"], 4],
      [["LPUSHX", "nol", "a"], 0],
      [["LRANGE", "l", "-100", "100"], ["z", "a", "b", "c"]],
      [["LINDEX", "l", "-1"], "c"],
      [["LINDEX", "l", "9"], null],
      [["LSET", "l", "9", "x"], { error: "ERR index out of range" }],
      [["LSET", "nol", "0", "x"], { error: "ERR no such key" }],
      [["LPOP", "l", "2"], ["z", "a"]],
      [["LPOP", "l", "-1"], { error: "ERR value is out of range, must be positive" }],
      [["LPOP", "l", "1", "2"], { error: "ERR wrong number of arguments for 'lpop' command" }],
      [["LPOP", "nol", "2"], null],
      [["RPOP", "l", "5"], ["c", "b"]],
      [["EXISTS", "l"], 0],
      [["RPUSH", "r", "a", "b", "a", "c", "a"], 5],
      [["LREM", "r", "-1", "a"], 1],
      [["LRANGE", "r", "0", "-1"], ["a", "b", "a", "c"]],
      [["LTRIM", "r", "1", "-2"], OK],
      [["LRANGE", "r", "0", "-1"], ["b", "a"]],
      [["LLEN", "r"], 2],
      [["GET", "r"], WRONGTYPE],
      [["HGET", "r", "f"], WRONGTYPE],
      [["SET", "s", "x"], OK],
      [["LPUSH", "s", "a"], WRONGTYPE],
      [["HGETALL", "s"], WRONGTYPE],
      [["MGET", "s", "r"], ["x", null]],
      [["GET"], { error: "ERR wrong number of arguments for 'get' command" }],
      [["HSET", "h", "f"], { error: "ERR wrong number of arguments for 'hset' command" }],
      [["LRANGE", "r", "0"], { error: "ERR wrong number of arguments for 'lrange' command" }],
    ]);
  } finally {
    await server.close();
  }
});
