/**
 * Differential test: the same seeded random command sequences go to Debian's redis-server
 * (7.0) and to an in-process inferdb, over RESP2 and RESP3 connections (odd and even seeds;
 * HELLO switches mid-sequence too), and every reply must be identical in type and bytes. The
 * generator leans on edge cases: wrong types, wrong arity, negative and huge indexes,
 * non-integer and overflowing numbers, empty strings, binary bytes, missing keys, MULTI/EXEC.
 * Every 20 commands each key's TYPE and lengths are compared, so a change the servers made
 * differently shows where it happened.
 *
 * Replies that depend on time, a hash seed or randomness are left out or made comparable:
 * expiries are far-future absolute times or long relative ones, and TTLs are compared by sign
 * only; hash fields (HGETALL, HKEYS, HVALS, HSCAN's single page) and KEYS are compared
 * sorted; HELLO's server map is not compared; nothing random is sent, no SCAN, and of OBJECT
 * only FREQ and the errors.
 *
 * A mismatch names the seed, the protocol, the step and the command, with the steps before
 * it. `SEED=n` (or `SEED=n,m,...`) replays sequences, `STEPS=n` makes them longer.
 */
import assert from "node:assert/strict";
import { startRedis } from "./bench/lib.ts";
import { encodePipeline, RawClient, Wire } from "./helpers/raw_client.ts";
import { seededRandom } from "./helpers/rng.ts";
import { startTestServer } from "./helpers/server.ts";

const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const STEPS = Number(Deno.env.get("STEPS") ?? 800);
/** Commands sent per pipelined write. */
const BATCH = 50;

type Arg = string | Uint8Array;
type Rng = ReturnType<typeof seededRandom>;

const KEYS: Arg[] = ["a", "b", "c", "d", "", new Uint8Array([0, 255, 13, 10])];
const VALUES: Arg[] = [
  "",
  "0",
  "1",
  "-1",
  "7",
  "10",
  "abc",
  "x",
  " 1",
  "1 ",
  "+1",
  "01",
  "-0",
  "0x10",
  "1e3",
  "1.5",
  "-2.25",
  "3.0",
  ".5",
  "5.",
  "inf",
  "-inf",
  "nan",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "1.7976931348623157e308",
  "1e400",
  "0.1",
  "1e-5",
  "-0.0",
  "1e17",
  "0.30000000000000004",
  "00",
  "-",
  "1\u0000",
  "123456789012345678",
  new Uint8Array([0, 1, 255, 13, 10, 128]),
  "hello world",
];
const INDEXES: Arg[] = [
  "0",
  "1",
  "2",
  "3",
  "-1",
  "-2",
  "-3",
  "5",
  "-5",
  "100",
  "-100",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "abc",
  "1.5",
  "",
  " 1",
  "+1",
  "-0",
  "01",
  "1e2",
];
const GLOBS = [
  "*",
  "?",
  "[a-c]",
  "a*",
  "\\*",
  "[",
  "",
  "[^a]*",
  "[!a]",
  "*\\",
  "[a-",
  "[]",
  "[c-a]",
  "[\\]]",
  "?*?",
  "\u0000*",
  "[]a]",
];
const DBS = ["0", "1", "2", "-1", "16", "abc", "9223372036854775808", "+1", "01", " 1"];
/**
 * An absolute expiry far in the future (year 2286). Relative ones are long or invalid: a
 * millisecond TTL could pass on one server and not yet on the other.
 */
const FAR_MS = "9999999999999";

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

function key(rng: Rng): Arg {
  return pick(rng, KEYS);
}

function value(rng: Rng): Arg {
  return rng.next() < 0.3 ? pick(rng, ["a", "b", "x", "1", "2"]) : pick(rng, VALUES);
}

function index(rng: Rng): Arg {
  return rng.next() < 0.6 ? String(rng.int(7) - 3) : pick(rng, INDEXES);
}

function values(rng: Rng, min: number): Arg[] {
  return Array.from({ length: min + rng.int(3) }, () => value(rng));
}

/** SET's options, sometimes repeated or conflicting. */
function setOptions(rng: Rng): Arg[] {
  const out: Arg[] = [];
  const n = rng.int(3);
  for (let i = 0; i < n; i++) {
    const option = pick(rng, ["NX", "XX", "GET", "KEEPTTL", "EX", "PX", "EXAT", "PXAT", "nx"]);
    out.push(option);
    if (option === "EX" || option === "PX") {
      out.push(pick(rng, ["100000", "0", "-1", "abc", "9223372036854775807"]));
    }
    if (option === "EXAT") out.push(pick(rng, ["9999999999", "0", "abc"]));
    if (option === "PXAT") out.push(pick(rng, [FAR_MS, "-5"]));
  }
  return out;
}

function getexOptions(rng: Rng): Arg[] {
  return pick(rng, [
    [],
    ["PERSIST"],
    ["EX", "100000"],
    ["PX", "0"],
    ["PXAT", FAR_MS],
    ["EXAT", "abc"],
    ["EX"],
    ["PERSIST", "EX", "5"],
    ["FOO"],
  ]);
}

function lcsOptions(rng: Rng): Arg[] {
  return pick(rng, [
    [],
    ["LEN"],
    ["IDX"],
    ["IDX", "WITHMATCHLEN"],
    ["idx", "minmatchlen", pick(rng, ["0", "1", "2", "-1", "x"]), "withmatchlen"],
    ["IDX", "LEN"],
    ["MINMATCHLEN"],
    ["FOO"],
  ]);
}

const end = (rng: Rng) => pick(rng, ["LEFT", "RIGHT", "left", "UP"]);

/** One generator per command family; each returns a command (name first). */
const GENERATORS: ((rng: Rng) => Arg[])[] = [
  // strings
  (r) => ["SET", key(r), value(r), ...setOptions(r)],
  (r) => ["GET", key(r)],
  (r) => ["SETNX", key(r), value(r)],
  (r) => ["SETEX", key(r), pick(r, ["100000", "0", "-3", "x"]), value(r)],
  (r) => ["PSETEX", key(r), pick(r, ["100000000", "0", "x"]), value(r)],
  (r) => ["GETSET", key(r), value(r)],
  (r) => ["GETDEL", key(r)],
  (r) => ["GETEX", key(r), ...getexOptions(r)],
  (r) => ["MGET", key(r), key(r), key(r)],
  (r) => ["MSET", ...values(r, 1).flatMap((v) => [key(r), v]), ...(r.next() < 0.1 ? ["odd"] : [])],
  (r) => ["MSETNX", ...values(r, 1).flatMap((v) => [key(r), v])],
  (r) => ["STRLEN", key(r)],
  (r) => ["APPEND", key(r), value(r)],
  (r) => ["GETRANGE", key(r), index(r), index(r)],
  (r) => ["SUBSTR", key(r), index(r), index(r)],
  (r) => ["LCS", key(r), key(r), ...lcsOptions(r)],
  (r) => [
    "SETRANGE",
    key(r),
    pick(r, ["0", "1", "3", "10", "-1", "536870912", "9223372036854775807", "x"]),
    value(r),
  ],
  (r) => ["INCR", key(r)],
  (r) => ["DECR", key(r)],
  (r) => ["INCRBY", key(r), value(r)],
  (r) => ["DECRBY", key(r), value(r)],
  (r) => ["INCRBYFLOAT", key(r), value(r)],
  // hashes
  (
    r,
  ) => ["HSET", key(r), ...values(r, 1).flatMap((v) => [pick(r, ["f", "g", "", "1", "\r\n"]), v])],
  (r) => ["HMSET", key(r), "f", value(r), ...(r.next() < 0.2 ? ["g"] : [])],
  (r) => ["HSETNX", key(r), pick(r, ["f", "g"]), value(r)],
  (r) => ["HGET", key(r), pick(r, ["f", "g", "h", ""])],
  (r) => ["HMGET", key(r), "f", "g", "zz"],
  (r) => ["HGETALL", key(r)],
  (r) => ["HKEYS", key(r)],
  (r) => ["HVALS", key(r)],
  (r) => ["HDEL", key(r), pick(r, ["f", "g", "1"]), pick(r, ["g", "zz"])],
  (r) => ["HEXISTS", key(r), pick(r, ["f", "g"])],
  (r) => ["HLEN", key(r)],
  (r) => ["HSTRLEN", key(r), pick(r, ["f", "g", "zz"])],
  (r) => ["HINCRBY", key(r), pick(r, ["f", "n", "1"]), value(r)],
  (r) => ["HINCRBYFLOAT", key(r), pick(r, ["f", "n", "1"]), value(r)],
  // lists
  (r) => [pick(r, ["LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]), key(r), ...values(r, 1)],
  (r) => [pick(r, ["LPOP", "RPOP"]), key(r), ...(r.next() < 0.4 ? [index(r)] : [])],
  (r) => ["LLEN", key(r)],
  (r) => ["LRANGE", key(r), index(r), index(r)],
  (r) => ["LINDEX", key(r), index(r)],
  (r) => ["LSET", key(r), index(r), value(r)],
  (r) => ["LREM", key(r), index(r), value(r)],
  (r) => ["LTRIM", key(r), index(r), index(r)],
  (r) => ["LINSERT", key(r), pick(r, ["BEFORE", "AFTER", "after", "MIDDLE"]), value(r), value(r)],
  (r) => ["RPOPLPUSH", key(r), key(r)],
  (r) => ["LMOVE", key(r), key(r), end(r), end(r)],
  (r) => ["LPOS", key(r), value(r), ...lposOptions(r)],
  // keys
  (
    r,
  ) => [pick(r, ["DEL", "UNLINK", "EXISTS", "TOUCH"]), key(r), ...(r.next() < 0.5 ? [key(r)] : [])],
  (r) => ["TYPE", key(r)],
  (r) => [pick(r, ["RENAME", "RENAMENX"]), key(r), key(r)],
  (
    r,
  ) => ["COPY", key(r), key(r), ...pick(r, [[], ["REPLACE"], ["DB", pick(r, DBS)], ["DB"], ["X"]])],
  (r) => ["PERSIST", key(r)],
  (
    r,
  ) => [
    "PEXPIREAT",
    key(r),
    pick(r, [FAR_MS, "0", "x"]),
    ...pick(r, [[], ["NX"], ["XX"], ["GT"], ["LT"], ["NX", "XX"]]),
  ],
  (r) => ["EXPIREAT", key(r), pick(r, ["9999999999", "1"]), ...pick(r, [[], ["NX"], ["GT"]])],
  (r) => [
    pick(r, ["EXPIRE", "PEXPIRE"]),
    key(r),
    pick(r, ["100000000", "0", "-1", "x", "9223372036854775807", "-9223372036854775808"]),
    ...pick(r, [[], [], ["NX"], ["XX"], ["GT"], ["LT"], ["GT", "LT"], ["nx", "xx"], ["ZZ"]]),
  ],
  (r) => ["SETEX", key(r), pick(r, ["9223372036854775807", "9223372036854775", "1.5"]), "v"],
  (r) => ["SET", key(r), value(r), "GET", ...pick(r, [[], ["NX"], ["XX"], ["KEEPTTL"]])],
  (r) => [pick(r, ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), key(r)],
  () => ["DBSIZE"],
  // OBJECT ENCODING names inferdb's closest representation (see object.ts), REFCOUNT counts
  // Redis's own references (a value queued in MULTI has two) and HELP's text is inferdb's own,
  // so only the errors and FREQ are compared.
  (r) => ["OBJECT", pick(r, ["FREQ", "NOPE", "freq"]), key(r)],
  (
    r,
  ) => [
    "HSCAN",
    key(r),
    // Only cursor 0: a hash table's other cursors depend on Redis's per-process hash seed.
    pick(r, ["0", "x", "18446744073709551616"]),
    ...pick(r, [[], ["COUNT", "0"], ["MATCH", "f*"], ["COUNT", "x"]]),
  ],
  (r) => ["SELECT", pick(r, DBS)],
  (r) => ["MOVE", key(r), pick(r, DBS)],
  (r) => ["SWAPDB", pick(r, DBS), pick(r, DBS)],
  (r) => ["KEYS", pick(r, GLOBS)],
  (r) => ["HSCAN", key(r), "0", "MATCH", pick(r, GLOBS)],
  (r) => ["FLUSHDB", ...(r.next() < 0.3 ? [pick(r, ["ASYNC", "SYNC", "LAZY"])] : [])],
  // connection
  (r) => ["HELLO", ...helloArgs(r)],
  (r) => [pick(r, ["PING", "ECHO"]), value(r)],
  (r) => ["NOPE", value(r)],
  (r) => pick(r, [["RESET"], ["FLUSHALL"], ["PING", "a", "b"], ["ECHO"]]),
  (r) => ["CLIENT", ...pick(r, [["GETNAME"], ["SETNAME", "nm"], ["SETNAME", "a b"], ["NOPE"]])],
  // transactions
  (r) => [pick(r, ["MULTI", "MULTI", "EXEC", "DISCARD"])],
  (r) => [pick(r, ["WATCH", "UNWATCH"]), key(r)],
  (r) => ["RPUSH", key(r), ...Array.from({ length: 150 }, (_, i) => String(i % 7))],
  (r) => ["APPEND", key(r), "z".repeat(pick(r, [60, 70, 5000]))],
];

/**
 * HELLO's arguments. Redis 7.0 applies SETNAME as it parses, so a name given before an option
 * that fails stays set; inferdb applies nothing from a HELLO that fails (as Redis 7.2 does), so
 * no option follows SETNAME here.
 */
function helloArgs(rng: Rng): Arg[] {
  const version = pick(rng, ["2", "3", "3", "4", "0", "x"]);
  const auth = rng.next() < 0.1
    ? pick(rng, [["AUTH", "u", "p"], ["AUTH", "default"], ["FOO"]])
    : [];
  const name = rng.next() < 0.3 ? ["SETNAME", pick(rng, ["nm", "a b", ""])] : [];
  return [version, ...auth, ...name];
}

/**
 * LPOS's options. `RANK -9223372036854775808` is left out: Redis 7.0 negates it with signed
 * overflow and answers the first match from the tail (7.2 refuses it as out of range); inferdb
 * answers that there is no 2^63rd match.
 */
function lposOptions(rng: Rng): Arg[] {
  const out: Arg[] = [];
  const n = rng.int(3);
  for (let i = 0; i < n; i++) {
    const option = pick(rng, ["RANK", "COUNT", "MAXLEN", "rank"]);
    const values = ["0", "1", "2", "-1", "-2", "x", "9223372036854775807"];
    if (option === "COUNT" || option === "MAXLEN") values.push("-9223372036854775808");
    out.push(option, pick(rng, values));
  }
  return out;
}

/** One command and which of the two clients sends it. */
interface Step {
  readonly client: 0 | 1;
  readonly args: Arg[];
}

/**
 * `count` commands from two clients taking turns in runs (WATCH, MULTI and SELECT are per
 * client), with every key's TYPE and lengths checked after every 20, so that a change that
 * the two servers made differently shows near where it happened, not only when it is read.
 */
function sequence(rng: Rng, count: number): Step[] {
  const out: Step[] = [];
  let client: 0 | 1 = 0;
  for (let i = 0; i < count; i++) {
    if (rng.next() < 0.1) client = client === 0 ? 1 : 0;
    out.push({ client, args: command(rng) });
    if (i % 20 === 19) {
      for (const k of KEYS) {
        for (const name of ["TYPE", "STRLEN", "LLEN", "HLEN"]) {
          out.push({ client, args: [name, k] });
        }
      }
    }
  }
  return out;
}

/** A command, sometimes with an argument dropped or added to probe arity checks. */
function command(rng: Rng): Arg[] {
  const cmd = pick(rng, GENERATORS)(rng);
  if (rng.next() < 0.1) cmd[0] = String(cmd[0]).toLowerCase();
  const roll = rng.next();
  if (roll < 0.04 && cmd.length > 1) return cmd.slice(0, -1);
  if (roll < 0.07 && String(cmd[0]).toUpperCase() !== "HELLO") return [...cmd, "extra"]; // see helloArgs()
  return cmd;
}

/** A canonical text form of a reply: the type and the exact bytes of every part. */
function show(reply: Wire): string {
  if (reply === null) return "null";
  if (typeof reply === "number" || typeof reply === "bigint") return `:${reply}`;
  if (typeof reply === "string") return JSON.stringify(reply);
  if (Array.isArray(reply)) return `[${reply.map(show).join(", ")}]`;
  if ("bytes" in reply) return `$${JSON.stringify(new TextDecoder("latin1").decode(reply.bytes))}`;
  if ("map" in reply) return `%{${reply.map.map(([k, v]) => `${show(k)}: ${show(v)}`).join(", ")}}`;
  if ("set" in reply) return `~[${reply.set.map(show).join(", ")}]`;
  if ("push" in reply) return `>[${reply.push.map(show).join(", ")}]`;
  return JSON.stringify(reply);
}

/** A remaining or absolute TTL depends on when it was set; only its sign is compared. */
function timeless(reply: Wire): Wire {
  return typeof reply === "number" && reply > 0 ? 1 : reply;
}

/**
 * Redis lists a hash's fields in insertion order only while the hash is a listpack (fields of
 * at most 64 bytes, counters grow past that); a hash table's order depends on a per-process
 * seed. Fields and values are compared in sorted order.
 */
function unordered(reply: Wire): Wire {
  const sorted = (items: Wire[]) => [...items].sort((x, y) => show(x) < show(y) ? -1 : 1);
  if (Array.isArray(reply)) return sorted(reply);
  if (reply === null || typeof reply !== "object" || !("map" in reply)) return reply;
  return { map: [...reply.map].sort((x, y) => show(x[0]) < show(y[0]) ? -1 : 1) };
}

/** HELLO's reply names the server and its version: only errors are compared. */
function hello(reply: Wire): Wire {
  return reply !== null && typeof reply === "object" && "error" in reply ? reply : "hello";
}

/** HGETALL's RESP2 pairs, sorted by field. */
function unorderedPairs(reply: Wire): Wire {
  if (!Array.isArray(reply)) return unordered(reply);
  const pairs: Wire[] = [];
  for (let i = 0; i < reply.length; i += 2) pairs.push([reply[i] ?? null, reply[i + 1] ?? null]);
  return unordered(pairs);
}

/** HSCAN's page sorted like HGETALL (hashes here have too few fields for a second page). */
function unorderedPage(reply: Wire): Wire {
  if (!Array.isArray(reply) || reply.length !== 2) return reply;
  return [reply[0] ?? null, unorderedPairs(reply[1] ?? null)];
}

/** How the replies of some commands are made comparable (see the functions). */
const NORMALIZE = new Map<string, (reply: Wire) => Wire>([
  ["TTL", timeless],
  ["PTTL", timeless],
  ["EXPIRETIME", timeless],
  ["PEXPIRETIME", timeless],
  ["HGETALL", unorderedPairs],
  ["HKEYS", unordered],
  ["HVALS", unordered],
  ["KEYS", unordered],
  ["HSCAN", unorderedPage],
  ["HELLO", hello],
]);

const identity = (reply: Wire) => reply;

/**
 * Tracks MULTI from the reference's replies, so that the replies inside an EXEC reply are
 * made comparable like the same replies outside one.
 */
class Normalizer {
  private queued: { cmd: readonly Arg[]; normalize: (reply: Wire) => Wire }[] | undefined;

  /** The reply to `cmd` made comparable (the same for both servers' replies). */
  apply(cmd: readonly Arg[], reply: Wire): Wire {
    const name = String(cmd[0]).toUpperCase();
    const queued = this.queued;
    if (queued === undefined) return (NORMALIZE.get(name) ?? identity)(reply);
    if (name !== "EXEC" || !Array.isArray(reply)) return reply;
    return reply.map((r, i) => (queued[i]?.normalize ?? identity)(r));
  }

  /** The queued command whose replies in two EXEC replies differ first, for a mismatch. */
  firstDifference(cmd: readonly Arg[], want: Wire, got: Wire): string {
    const exec = String(cmd[0]).toUpperCase() === "EXEC";
    if (!exec || this.queued === undefined || !Array.isArray(want) || !Array.isArray(got)) {
      return "";
    }
    const i = want.findIndex((w, j) => show(w) !== show(got[j] ?? null));
    const queued = this.queued[i]?.cmd;
    return queued === undefined ? "" : `\n  first difference: queued #${i}: ${describe(queued)}`;
  }

  /** Follows the reference's transaction state after `cmd` and its reply. */
  step(cmd: readonly Arg[], reference: Wire): void {
    const name = String(cmd[0]).toUpperCase();
    const status = typeof reference === "object" && reference !== null && "status" in reference
      ? reference.status
      : undefined;
    if (name === "MULTI" && status === "OK") this.queued = [];
    else if (name === "EXEC" || name === "DISCARD" || name === "RESET") this.queued = undefined;
    else if (status === "QUEUED") {
      this.queued?.push({ cmd, normalize: NORMALIZE.get(name) ?? identity });
    }
  }
}

function describe(cmd: readonly Arg[]): string {
  return cmd.map((a) => JSON.stringify(typeof a === "string" ? a : Array.from(a))).join(" ");
}

async function connect(port: number, resp3: boolean): Promise<RawClient> {
  const client = await RawClient.connect(port);
  client.binary = true;
  // HELLO's reply names the server and its version, so it is not compared.
  if (resp3) await client.call("HELLO", "3");
  await client.call("FLUSHALL");
  return client;
}

async function run(client: RawClient, commands: readonly Arg[][]): Promise<Wire[]> {
  await client.send(encodePipeline(commands));
  const replies: Wire[] = [];
  for (let i = 0; i < commands.length; i++) replies.push(await client.read());
  return replies;
}

/** One client's connections to both servers, and how its replies are made comparable. */
interface Pair {
  readonly redis: RawClient;
  readonly ours: RawClient;
  readonly mask: Normalizer;
  readonly resp: 2 | 3;
}

async function connectPair(redisPort: number, ourPort: number, resp3: boolean): Promise<Pair> {
  const redis = await connect(redisPort, resp3);
  const ours = await connect(ourPort, resp3);
  return { redis, ours, mask: new Normalizer(), resp: resp3 ? 3 : 2 };
}

/** The steps from `at` sent by the same client, at most BATCH of them. */
function runFrom(steps: readonly Step[], at: number): Step[] {
  const client = steps[at]?.client;
  let end = at;
  while (end < steps.length && end - at < BATCH && steps[end]?.client === client) end++;
  return steps.slice(at, end);
}

async function compareSeed(seed: number, redisPort: number, ourPort: number): Promise<void> {
  const rng = seededRandom(seed);
  const steps = sequence(rng, STEPS);
  const pairs: Pair[] = [];
  /** The steps before a mismatch, with the reference's replies, to read it without a replay. */
  const recent: string[] = [];
  try {
    // The first client speaks RESP3 for even seeds, the second the other protocol.
    pairs.push(await connectPair(redisPort, ourPort, seed % 2 === 0));
    pairs.push(await connectPair(redisPort, ourPort, seed % 2 === 1));
    for (let at = 0; at < steps.length;) {
      const batch = runFrom(steps, at);
      const pair = pairs[batch[0]?.client ?? 0] as Pair;
      const commands = batch.map((step) => step.args);
      const [expected, actual] = [await run(pair.redis, commands), await run(pair.ours, commands)];
      commands.forEach((cmd, i) => {
        const reference = expected[i] as Wire;
        const wantReply = pair.mask.apply(cmd, reference);
        const gotReply = pair.mask.apply(cmd, actual[i] as Wire);
        const [want, got] = [show(wantReply), show(gotReply)];
        const where = `${at + i} (client ${batch[0]?.client}, RESP${pair.resp})`;
        assert.equal(
          got,
          want,
          `seed ${seed} step ${where}: ${describe(cmd)}\n` +
            `  redis:   ${want}\n  inferdb: ${got}` +
            `${pair.mask.firstDifference(cmd, wantReply, gotReply)}\n  after:\n${
              recent.join("\n")
            }`,
        );
        pair.mask.step(cmd, reference);
        recent.push(`    ${where}: ${describe(cmd).slice(0, 200)} -> ${want.slice(0, 200)}`);
        if (recent.length > 40) recent.shift();
      });
      at += batch.length;
    }
  } finally {
    for (const pair of pairs) {
      pair.redis.close();
      pair.ours.close();
    }
  }
}

Deno.test("seeded random data commands get the same replies from inferdb as from redis-server 7", async () => {
  const fromEnv = Deno.env.get("SEED");
  const seeds = fromEnv === undefined ? SEEDS : fromEnv.split(",").map(Number);
  const redis = await startRedis();
  const server = await startTestServer();
  try {
    for (const seed of seeds) await compareSeed(seed, redis.port, server.port);
  } finally {
    await server.close();
    await redis.stop();
  }
});
