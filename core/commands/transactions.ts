/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis semantics. The dispatcher
 * queues commands while `client.multi` is set (flagging the transaction when one fails to
 * parse); EXEC then runs the queue through `run()` without letting other clients in between,
 * unless a queued command itself has to wait (then the rest follows in order after it).
 *
 * Commands that cannot run inside a transaction (blocking AI runs, MONITOR) answer their error
 * in EXEC's reply array, as Redis modules and Redis do.
 */
import type { ClientState } from "../client.ts";
import { command, type CommandContext, type CommandSpec, hasFlag } from "../command.ts";
import { assert, CommandError } from "../errors.ts";
import { bytesToKey, text } from "../keys.ts";
import { run } from "../dispatch.ts";
import { NullArrayReply, OK, Reply } from "../reply.ts";
import type { ServerState } from "../server_state.ts";

/** Why a queued command may not run inside EXEC; `undefined` when it may. */
function refusal(spec: CommandSpec): CommandError | undefined {
  if (hasFlag(spec, "blocking")) {
    return new CommandError("ERR Cannot run RedisAI command within a transaction or a LUA script");
  }
  if (spec.name === "monitor") {
    return new CommandError("ERR MONITOR isn't allowed for DENY BLOCKING client");
  }
  return undefined;
}

function runQueued(
  server: ServerState,
  client: ClientState,
  args: readonly Uint8Array[],
): Reply | Promise<Reply> {
  const spec = server.table.get(text(args[0] as Uint8Array).toLowerCase());
  assert(spec !== undefined, "a queued command was looked up when queued");
  return refusal(spec) ?? run(server, client, spec, args);
}

/** Runs the queue in order; switches to awaiting only once a command returns a Promise. */
function runAll(
  server: ServerState,
  client: ClientState,
  queue: readonly (readonly Uint8Array[])[],
): Reply | Promise<Reply> {
  const replies: Reply[] = [];
  for (let i = 0; i < queue.length; i++) {
    const reply = runQueued(server, client, queue[i] as readonly Uint8Array[]);
    if (reply instanceof Promise) {
      return finishAsync(server, client, queue.slice(i + 1), replies, reply);
    }
    replies.push(reply);
  }
  return replies;
}

async function finishAsync(
  server: ServerState,
  client: ClientState,
  rest: readonly (readonly Uint8Array[])[],
  replies: Reply[],
  pending: Promise<Reply>,
): Promise<Reply> {
  replies.push(await pending);
  for (const args of rest) replies.push(await runQueued(server, client, args));
  return replies;
}

function exec(ctx: CommandContext): Reply | Promise<Reply> {
  const client = ctx.client;
  const queue = client.multi;
  if (queue === undefined) throw new CommandError("ERR EXEC without MULTI");
  const failed = client.multiFailed;
  // A watched key whose TTL passed counts as changed: reading it expires it, which marks us.
  for (const [db, keys] of client.watched) for (const key of keys) db.get(key);
  const dirty = client.dirty;
  client.discardTransaction();
  if (failed) {
    throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
  }
  if (dirty) return NullArrayReply.instance;
  return runAll(ctx.server, client, queue.map((q) => q.args));
}

function watch(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const client = ctx.client;
  if (client.multi !== undefined) throw new CommandError("ERR WATCH inside MULTI is not allowed");
  let keys = client.watched.get(ctx.db);
  if (keys === undefined) client.watched.set(ctx.db, keys = new Set());
  for (const arg of args.slice(1)) {
    const key = bytesToKey(arg);
    if (keys.has(key)) continue;
    ctx.db.get(key); // expire it now if due, so only later changes count
    keys.add(key);
    ctx.db.watch(key, client);
  }
  return OK;
}

export const transactionCommands = [
  command({
    name: "multi",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    group: "transactions",
    summary: "Starts a transaction.",
    since: "1.2.0",
    handler: (ctx) => {
      if (ctx.client.multi !== undefined) {
        throw new CommandError("ERR MULTI calls can not be nested");
      }
      ctx.client.multi = [];
      ctx.client.multiFailed = false;
      return OK;
    },
  }),
  command({
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale"],
    group: "transactions",
    summary: "Executes all commands in a transaction.",
    since: "1.2.0",
    handler: exec,
  }),
  command({
    name: "discard",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    group: "transactions",
    summary: "Discards a transaction.",
    since: "2.0.0",
    handler: (ctx) => {
      if (ctx.client.multi === undefined) throw new CommandError("ERR DISCARD without MULTI");
      ctx.client.discardTransaction();
      return OK;
    },
  }),
  command({
    name: "watch",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    group: "transactions",
    summary: "Monitors changes to keys to determine the execution of a transaction.",
    since: "2.2.0",
    firstKey: 1,
    lastKey: -1,
    step: 1,
    arguments: "key [key ...]",
    handler: watch,
  }),
  command({
    name: "unwatch",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    group: "transactions",
    summary: "Forgets about all watched keys.",
    since: "2.2.0",
    handler: (ctx) => {
      ctx.client.unwatchAll();
      return OK;
    },
  }),
];
