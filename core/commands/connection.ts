/**
 * Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET.
 */
import type { CommandContext } from "../command.ts";
import { command } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { keyword, text } from "../keys.ts";
import { MapReply, OK, PONG, Reply, Status } from "../reply.ts";
import { parseIntArg } from "../args.ts";
import { parseInt64 } from "../int64.ts";
import { isPlainName } from "./client.ts";
import { AI_MODULE_VERSION, REDIS_VERSION } from "../version.ts";

/**
 * Redis 7's ACL check: only `default` exists; with no requirepass it is a nopass user, so any
 * password logs it in (the one-argument AUTH form refuses that case before calling this).
 */
function checkPassword(ctx: CommandContext, user: string, pass: string): void {
  const required = ctx.server.config.requirepass;
  if (user !== "default" || (required !== "" && pass !== required)) throw errors.wrongPass();
  ctx.client.authenticated = true;
}

/** HELLO's AUTH username and password, found as `hello()` parses its options. */
function helloSecrets(args: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  for (let i = 2; i < args.length; i++) {
    const opt = keyword(args[i] as Uint8Array);
    if (opt === "AUTH" && i + 2 < args.length) out.push(++i, ++i);
    else if (opt === "SETNAME" && i + 1 < args.length) i++;
    else break;
  }
  return out;
}

function hello(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  let i = 1;
  if (args.length > 1) {
    const version = parseInt64(args[1] as Uint8Array);
    if (version === undefined) {
      throw new CommandError("ERR Protocol version is not an integer or out of range");
    }
    const protocol = version === 2 ? 2 : version === 3 ? 3 : undefined;
    if (protocol === undefined) throw new CommandError("NOPROTO unsupported protocol version");
    i = 2;
    const pending: { protocol: 2 | 3; name?: string } = { protocol };
    for (; i < args.length; i++) {
      const opt = keyword(args[i] as Uint8Array);
      if (opt === "AUTH" && i + 2 < args.length) {
        checkPassword(ctx, text(args[i + 1] as Uint8Array), text(args[i + 2] as Uint8Array));
        i += 2;
      } else if (opt === "SETNAME" && i + 1 < args.length) {
        const name = args[++i] as Uint8Array;
        if (!isPlainName(name)) throw errors.badClientName();
        pending.name = text(name);
      } else {
        throw new CommandError(`ERR Syntax error in HELLO option '${text(args[i] as Uint8Array)}'`);
      }
    }
    if (!ctx.client.authenticated) throw errors.helloNoAuth();
    ctx.client.protocol = pending.protocol;
    if (pending.name !== undefined) ctx.client.name = pending.name;
  } else if (!ctx.client.authenticated) {
    throw errors.helloNoAuth();
  }
  return new MapReply([
    ["server", "redis"],
    ["version", REDIS_VERSION],
    ["proto", ctx.client.protocol],
    ["id", ctx.client.id],
    ["mode", "standalone"],
    ["role", "master"],
    ["modules", [
      new MapReply([["name", "ai"], ["ver", AI_MODULE_VERSION], ["path", "inferdb"], ["args", []]]),
    ]],
  ]);
}

export const connectionCommands = [
  command({
    name: "ping",
    arity: -1,
    flags: ["fast"],
    group: "connection",
    summary: "Returns the server's liveliness response.",
    handler: (_ctx, args) => {
      if (args.length > 2) throw errors.arity("ping");
      return args.length === 2 ? (args[1] as Uint8Array) : PONG;
    },
  }),
  command({
    name: "echo",
    arity: 2,
    flags: ["fast"],
    group: "connection",
    summary: "Returns the given string.",
    handler: (_ctx, args) => args[1] as Uint8Array,
  }),
  command({
    name: "hello",
    arity: -1,
    flags: ["no_auth", "fast"],
    group: "connection",
    summary: "Handshakes with the server (protocol version, AUTH, SETNAME).",
    since: "6.0.0",
    redact: helloSecrets,
    handler: hello,
  }),
  command({
    name: "auth",
    arity: -2,
    flags: ["no_auth", "fast"],
    group: "connection",
    summary: "Authenticates the connection.",
    redact: (args) => args.map((_, i) => i).slice(1),
    handler: (ctx, args) => {
      if (args.length > 3) throw errors.syntax();
      if (args.length === 2 && ctx.server.config.requirepass === "") {
        throw errors.noPasswordConfigured();
      }
      const user = args.length === 3 ? text(args[1] as Uint8Array) : "default";
      checkPassword(ctx, user, text(args[args.length - 1] as Uint8Array));
      return OK;
    },
  }),
  command({
    name: "select",
    arity: 2,
    flags: ["fast"],
    group: "connection",
    summary: "Changes the selected database.",
    handler: (ctx, args) => {
      const index = parseIntArg(args[1] as Uint8Array);
      if (index < 0 || index >= ctx.server.keyspace.dbs.length) throw errors.dbIndex();
      ctx.client.dbIndex = index;
      return OK;
    },
  }),
  command({
    name: "quit",
    arity: -1,
    flags: ["no_auth", "fast"],
    group: "connection",
    summary: "Closes the connection.",
    handler: (ctx) => {
      ctx.client.close();
      return OK;
    },
  }),
  command({
    name: "reset",
    arity: 1,
    flags: ["no_auth", "fast"],
    group: "connection",
    summary: "Resets the connection.",
    since: "6.2.0",
    handler: (ctx) => {
      const c = ctx.client;
      c.discardTransaction();
      c.dbIndex = 0;
      c.protocol = 2;
      c.name = "";
      c.monitor = false;
      ctx.server.monitors.delete(c);
      c.authenticated = ctx.server.config.requirepass === "";
      return new Status("RESET");
    },
  }),
];
