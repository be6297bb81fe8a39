/**
 * The one path every request takes, from RESP or HTTP: look the command up, check arity,
 * authentication, MULTI queuing and maxmemory, run the handler, record statistics and the
 * slowlog, and feed MONITOR. Handlers may return a Promise (blocking AI commands); callers
 * keep replies in request order.
 */
import type { ClientState } from "./client.ts";
import { arityFits, type CommandContext, type CommandSpec, hasFlag } from "./command.ts";
import { CommandError, errors } from "./errors.ts";
import { text } from "./keys.ts";
import { PushReply, QUEUED, Reply, Status } from "./reply.ts";
import type { CommandStat, ServerState } from "./server_state.ts";
import { slowlogArgs } from "./slowlog.ts";

/** Commands that act on the transaction itself rather than being queued. */
const TX_CONTROL = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

export function dispatch(
  server: ServerState,
  client: ClientState,
  args: readonly Uint8Array[],
): Reply | Promise<Reply> {
  const first = args[0];
  if (first === undefined) return null;
  const spec = server.table.lookup(first);
  if (spec === undefined) {
    const typed = text(first);
    return reject(server, client, typed, errors.unknownCommand(typed, args.slice(1).map(text)));
  }
  const name = spec.name;
  if (!client.authenticated && !hasFlag(spec, "no_auth")) {
    return reject(server, client, name, errors.noAuth());
  }
  // Module commands check their own arity when they run (`run()`): Redis registers them with
  // arity -1, so inside MULTI they are queued and fail within EXEC's reply.
  if (!hasFlag(spec, "module") && !arityFits(spec, args.length)) {
    server.stat(name).rejected++;
    return reject(server, client, name, errors.arity(name));
  }
  let fullName = name;
  if (spec.resolve !== undefined) {
    try {
      fullName = spec.resolve(args);
    } catch (e) {
      return reject(server, client, name, e as CommandError);
    }
  }
  if (server.persistence?.loading && !hasFlag(spec, "loading")) {
    return countError(server, errors.loading());
  }
  if (client.multi !== undefined && !TX_CONTROL.has(name)) {
    if (hasFlag(spec, "no_multi")) return reject(server, client, name, errors.notInMulti());
    client.multi.push({ args });
    client.lastCommand = fullName;
    return QUEUED;
  }
  return run(server, client, spec, args, fullName);
}

/**
 * Refuses a command before it runs. Inside MULTI that flags the transaction; a refused EXEC
 * discards it and says why in Redis's EXECABORT wording (its `execCommandAbort`).
 */
function reject(
  server: ServerState,
  client: ClientState,
  name: string,
  error: CommandError,
): CommandError {
  if (client.multi !== undefined) client.multiFailed = true;
  if (name !== "exec") return countError(server, error);
  client.discardTransaction();
  return countError(server, errors.execAbort(error));
}

/**
 * Runs a looked-up command (also used by EXEC for queued commands). `name` is what
 * commandstats and CLIENT LIST call it: `config|get` for a container's subcommand.
 */
export function run(
  server: ServerState,
  client: ClientState,
  spec: CommandSpec,
  args: readonly Uint8Array[],
  name = spec.resolve?.(args) ?? spec.name,
): Reply | Promise<Reply> {
  if (hasFlag(spec, "denyoom")) {
    try {
      server.keyspace.checkMemory();
    } catch (e) {
      server.stat(name).rejected++;
      return countError(server, e as CommandError);
    }
  }
  // Redis shows no admin command to monitors: they may carry secrets (CONFIG SET requirepass).
  if (server.monitors.size > 0 && !hasFlag(spec, "admin")) {
    feedMonitors(server, client, redacted(spec, args));
  }
  client.lastCommand = name;
  const ctx: CommandContext = { server, client, db: server.keyspace.db(client.dbIndex) };
  // A command that may be slow gets a clock reading of its own: fast ones before it settle.
  const shares = nesting === 0 && client.clockMs > 0 &&
    (hasFlag(spec, "fast") || spec.argumentBound === true);
  if (!shares && client.untimed.length > 0) settleTimings(server, client);
  const startMs = client.clockMs > 0 ? client.clockMs : performance.now();
  const changes = server.keyspace.changes;
  let reply: Reply | Promise<Reply>;
  nesting++;
  try {
    // RedisModule_WrongArity names the command as the client typed it.
    if (hasFlag(spec, "module") && !arityFits(spec, args.length)) {
      throw errors.arity(text(args[0] as Uint8Array));
    }
    reply = spec.handler(ctx, args);
  } catch (e) {
    reply = toErrorReply(e);
  } finally {
    nesting--;
  }
  if (reply instanceof Promise) {
    return reply.then(
      (r) => finish(server, client, name, args, startMs, logWrite(ctx, spec, args, changes, r)),
      (e) => finish(server, client, name, args, startMs, toErrorReply(e)),
    );
  }
  reply = logWrite(ctx, spec, args, changes, reply);
  if (shares && client.untimed.length / 2 < SHARED_READING_COMMANDS_MAX - 1) {
    count(server, server.stat(name), reply);
    client.untimed.push(name, args);
    return reply;
  }
  return finish(server, client, name, args, startMs, reply);
}

/**
 * Fast commands (Redis's `fast` flag: O(1) or O(log N); `argumentBound` ones) in a batch
 * share clock readings, up to this many per reading; the time between two readings is split
 * evenly among the commands it covers. A clock read costs about 90 ns, a tenth of a pipelined
 * SET.
 */
const SHARED_READING_COMMANDS_MAX = 32;

/** Commands running inside another's handler (EXEC's queue): those are timed on their own. */
let nesting = 0;

/**
 * Reads the clock and gives the fast commands run since the last reading their share of the
 * time. Transports call it before they stop chaining readings (end of a batch, a wait).
 */
export function settleTimings(server: ServerState, client: ClientState): void {
  if (client.untimed.length === 0) return;
  const nowMs = performance.now();
  recordShares(server, client, nowMs - client.clockMs);
  client.clockMs = nowMs;
}

/**
 * Gives the fast commands waiting in `client.untimed`, then the command `name` (when given),
 * their shares of `elapsedMs`: whole microseconds that add up to the elapsed time, the
 * remainder going to the first ones, so commandstats' totals stay right even for commands
 * that take well under a microsecond each.
 */
function recordShares(
  server: ServerState,
  client: ClientState,
  elapsedMs: number,
  name?: string,
  args: readonly Uint8Array[] = [],
): void {
  const pending = client.untimed;
  const n = pending.length / 2 + (name === undefined ? 0 : 1);
  const totalUs = Math.round(elapsedMs * 1000);
  const baseUs = Math.floor(totalUs / n);
  // The first `extra` commands get one microsecond more.
  const extra = totalUs - baseUs * n;
  for (let i = 0; i < pending.length; i += 2) {
    const us = baseUs + (i / 2 < extra ? 1 : 0);
    record(server, pending[i] as string, pending[i + 1] as readonly Uint8Array[], client, us);
  }
  if (name !== undefined) record(server, name, args, client, baseUs + (n - 1 < extra ? 1 : 0));
  pending.length = 0;
}

/**
 * Hands a successful write that changed the keyspace to persistence (append-only log).
 * Blocking AI runs are never logged as commands: they log each output as a value
 * (`logKeyWrite`), and writes their scripts make are logged by their own dispatch.
 */
function logWrite(
  ctx: CommandContext,
  spec: CommandSpec,
  args: readonly Uint8Array[],
  changesBefore: number,
  reply: Reply,
): Reply {
  const persistence = ctx.server.persistence;
  if (
    ctx.server.keyspace.changes !== changesBefore && persistence !== undefined &&
    !(reply instanceof CommandError) && hasFlag(spec, "write") && !hasFlag(spec, "blocking")
  ) persistence.logCommand(ctx, spec, args);
  return reply;
}

function finish(
  server: ServerState,
  client: ClientState,
  name: string,
  args: readonly Uint8Array[],
  startMs: number,
  reply: Reply,
): Reply {
  const endMs = performance.now();
  if (client.clockMs >= 0) client.clockMs = endMs;
  count(server, server.stat(name), reply);
  // Fast commands waiting for a reading ran since `startMs` too: they share the time.
  recordShares(server, client, endMs - startMs, name, args);
  return reply;
}

/** Counts a call (and its error) the moment it ends; its duration may come later. */
function count(server: ServerState, stat: CommandStat, reply: Reply): void {
  stat.calls++;
  server.totalCommands++;
  if (reply instanceof CommandError) {
    stat.failed++;
    countError(server, reply);
  }
}

/** Records how long one call of `name` took: commandstats, latency histogram and slowlog. */
function record(
  server: ServerState,
  name: string,
  args: readonly Uint8Array[],
  client: ClientState,
  durationUs: number,
): void {
  const stat = server.stat(name);
  stat.usec += durationUs;
  stat.latency.observe(durationUs);
  const threshold = server.config["slowlog-log-slower-than"];
  if (threshold >= 0 && durationUs >= threshold && server.config["slowlog-max-len"] > 0) {
    server.slowlog.unshift({
      id: server.slowlogNextId++,
      timeSec: Math.floor(server.now() / 1000),
      durationUs,
      args: slowlogArgs(redacted(server.table.lookup(args[0] as Uint8Array), args)),
      addr: client.addr,
      name: client.name,
    });
    if (server.slowlog.length > server.config["slowlog-max-len"]) server.slowlog.pop();
  }
}

const REDACTED = new TextEncoder().encode("(redacted)");

/** `args` with the secrets `spec` knows of replaced by `(redacted)`, as Redis shows them. */
function redacted(
  spec: CommandSpec | undefined,
  args: readonly Uint8Array[],
): readonly Uint8Array[] {
  const secrets = spec?.redact?.(args) ?? [];
  return secrets.length === 0 ? args : args.map((a, i) => secrets.includes(i) ? REDACTED : a);
}

function countError(server: ServerState, error: CommandError): CommandError {
  const code = error.message.split(" ", 1)[0] ?? "ERR";
  const key = /^[A-Z]+$/.test(code) ? code : "ERR";
  server.errorStats.set(key, (server.errorStats.get(key) ?? 0) + 1);
  return error;
}

/** Turns a thrown value into an error reply; unexpected exceptions are logged loudly. */
export function toErrorReply(e: unknown): CommandError {
  if (e instanceof CommandError) return e;
  console.error("inferdb: internal error while running a command:", e);
  return new CommandError(
    `ERR internal error: ${e instanceof Error ? e.message : String(e)}`,
    "internal",
  );
}

function feedMonitors(server: ServerState, client: ClientState, args: readonly Uint8Array[]): void {
  const now = server.now();
  const quoted = args.map((a) =>
    JSON.stringify(a.length > 256 ? text(a.subarray(0, 256)) + "..." : text(a))
  );
  const line = `${(now / 1000).toFixed(6)} [${client.dbIndex} ${client.addr}] ${quoted.join(" ")}`;
  for (const monitor of server.monitors) {
    if (monitor === client) continue;
    monitor.push(monitor.protocol === 3 ? new PushReply(["monitor", line]) : new Status(line));
  }
}
