/**
 * CLIENT: connection introspection and control (ID, SETNAME, GETNAME, LIST, INFO, KILL,
 * SETINFO, NO-EVICT, NO-TOUCH, REPLY) with Redis 7's CLIENT LIST line format and error texts.
 * Killing a client only asks its transport to close it after the replies already produced.
 */
import { parseIntOrUndefined } from "../args.ts";
import type { ClientState } from "../client.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { keyword, text } from "../keys.ts";
import { OK, Reply, VerbatimReply } from "../reply.ts";
import type { ServerState } from "../server_state.ts";
import { container } from "./container.ts";

/** True when every byte is printable ASCII without spaces ('!'..'~'), as Redis requires. */
export function isPlainName(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x21 || b > 0x7e) return false;
  return true;
}

/** Redis's client flags: O monitor, x in MULTI, b blocked, d watched key touched, c closing. */
function clientFlags(c: ClientState): string {
  const flags = (c.monitor ? "O" : "") + (c.multi !== undefined ? "x" : "") +
    (c.blocked ? "b" : "") + (c.dirty ? "d" : "") + (c.closing ? "c" : "");
  return flags === "" ? "N" : flags;
}

/** One CLIENT LIST line (no trailing newline); buffer sizes we do not track read 0. */
export function clientLine(server: ServerState, c: ClientState): string {
  const nowMs = server.now();
  return [
    `id=${c.id}`,
    `addr=${c.addr}`,
    `laddr=${c.laddr}`,
    "fd=-1",
    `name=${c.name}`,
    `age=${Math.floor((nowMs - c.createdMs) / 1000)}`,
    `idle=${Math.floor((nowMs - c.lastInteractionMs) / 1000)}`,
    `flags=${clientFlags(c)}`,
    `db=${c.dbIndex}`,
    "sub=0 psub=0 ssub=0",
    `multi=${c.multi?.length ?? -1}`,
    "qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0",
    "events=r",
    `cmd=${c.lastCommand}`,
    "user=default redir=-1",
    `resp=${c.protocol}`,
    `lib-name=${c.libName}`,
    `lib-ver=${c.libVer}`,
  ].join(" ");
}

/** Every connection is of type "normal" here (no replicas, no pub/sub). */
function checkClientType(value: string): boolean {
  const type = value.toLowerCase();
  if (!["normal", "master", "replica", "slave", "pubsub"].includes(type)) {
    throw new CommandError(`ERR Unknown client type '${value}'`);
  }
  return type === "normal";
}

function list(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  let shown: Iterable<ClientState> = ctx.server.clients.values();
  if (args.length > 2) {
    const option = keyword(args[2] as Uint8Array);
    if (option === "TYPE" && args.length === 4) {
      if (!checkClientType(text(args[3] as Uint8Array))) shown = [];
    } else if (option === "ID" && args.length >= 4) {
      // In the order given, as Redis looks each one up.
      const ids = args.slice(3).map((a) => {
        const id = parseIntOrUndefined(a);
        if (id === undefined) throw new CommandError("ERR Invalid client ID");
        return id;
      });
      shown = ids.flatMap((id) => ctx.server.clients.get(id) ?? []);
    } else {
      throw errors.syntax();
    }
  }
  let out = "";
  for (const c of shown) out += clientLine(ctx.server, c) + "\n";
  return new VerbatimReply(out);
}

/** CLIENT KILL addr (old form: OK or an error) or CLIENT KILL <filter value>... (a count). */
function kill(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const clients = [...ctx.server.clients.values()];
  if (args.length === 3) {
    const addr = text(args[2] as Uint8Array);
    const target = clients.find((c) => c.addr === addr);
    if (target === undefined) throw new CommandError("ERR No such client");
    target.close();
    return OK;
  }
  const filters: ((c: ClientState) => boolean)[] = [];
  let skipMe = true;
  for (let i = 2; i < args.length; i += 2) {
    const value = args[i + 1];
    if (value === undefined) throw errors.syntax();
    const raw = text(value);
    switch (keyword(args[i] as Uint8Array)) {
      case "ID": {
        const id = parseIntOrUndefined(value);
        if (id === undefined || id <= 0) {
          throw new CommandError("ERR client-id should be greater than 0");
        }
        filters.push((c) => c.id === id);
        break;
      }
      case "TYPE": {
        const normal = checkClientType(raw);
        filters.push(() => normal);
        break;
      }
      case "USER":
        if (raw !== "default") throw new CommandError(`ERR No such user '${raw}'`);
        break;
      case "ADDR":
        filters.push((c) => c.addr === raw);
        break;
      case "LADDR":
        filters.push((c) => c.laddr === raw);
        break;
      case "SKIPME":
        if (!/^(yes|no)$/i.test(raw)) throw errors.syntax();
        skipMe = raw.toLowerCase() === "yes";
        break;
      case "MAXAGE": {
        const ageSec = parseIntOrUndefined(value);
        if (ageSec === undefined) throw errors.syntax();
        const nowMs = ctx.server.now();
        filters.push((c) => nowMs - c.createdMs >= ageSec * 1000);
        break;
      }
      default:
        throw errors.syntax();
    }
  }
  let killed = 0;
  for (const c of clients) {
    if ((skipMe && c === ctx.client) || !filters.every((f) => f(c))) continue;
    c.close();
    killed++;
  }
  return killed;
}

function setName(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const name = args[2] as Uint8Array;
  if (!isPlainName(name)) throw errors.badClientName();
  ctx.client.name = text(name);
  return OK;
}

function setInfo(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const attr = text(args[2] as Uint8Array);
  const value = args[3] as Uint8Array;
  const which = attr.toLowerCase();
  if (which !== "lib-name" && which !== "lib-ver") {
    throw new CommandError(`ERR Unrecognized option '${attr}'`);
  }
  if (!isPlainName(value)) {
    throw new CommandError(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  }
  if (which === "lib-name") ctx.client.libName = text(value);
  else ctx.client.libVer = text(value);
  return OK;
}

/** NO-EVICT and NO-TOUCH: accepted (nothing is evicted and LRU is not tracked). */
function onOff(_ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const value = keyword(args[2] as Uint8Array);
  if (value !== "ON" && value !== "OFF") throw errors.syntax();
  return OK;
}

/**
 * CLIENT REPLY ON|OFF|SKIP. Only ON answers (OK); OFF and SKIP are silent, and SKIP while
 * replies are off changes nothing. The transport applies the mode (`replyGoesOut`).
 */
function reply(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const client = ctx.client;
  const mode = keyword(args[2] as Uint8Array);
  if (mode === "ON") client.replyMode = "on";
  else if (mode === "OFF") client.replyMode = "off";
  else if (mode === "SKIP") {
    if (client.replyMode !== "off") client.replyMode = "skip-next";
  } else throw errors.syntax();
  return OK;
}

export const clientCommands = [
  container({
    name: "client",
    flags: [],
    group: "connection",
    summary: "A container for client connection commands.",
    since: "2.4.0",
  }, [
    {
      name: "id",
      arity: 2,
      summary: "Returns the unique client ID of the connection.",
      handler: (ctx) => ctx.client.id,
    },
    {
      name: "setname",
      arity: 3,
      summary: "Sets the connection name.",
      arguments: "connection-name",
      handler: setName,
    },
    {
      name: "getname",
      arity: 2,
      summary: "Returns the name of the connection.",
      handler: (ctx) => ctx.client.name === "" ? null : ctx.client.name,
    },
    {
      name: "list",
      arity: -2,
      summary: "Lists open connections.",
      arguments: "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]",
      handler: list,
    },
    {
      name: "info",
      arity: 2,
      summary: "Returns information about the connection.",
      handler: (ctx) => new VerbatimReply(clientLine(ctx.server, ctx.client) + "\n"),
    },
    {
      name: "kill",
      arity: -3,
      summary: "Terminates open connections.",
      arguments: "<ip:port | [ID client-id] [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] " +
        "[USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME <YES | NO>] [MAXAGE maxage]>",
      handler: kill,
    },
    {
      name: "setinfo",
      arity: 4,
      summary: "Sets information specific to the client or connection.",
      arguments: "<LIB-NAME libname | LIB-VER libver>",
      handler: setInfo,
    },
    {
      name: "no-evict",
      arity: 3,
      summary: "Sets the client eviction mode of the connection.",
      arguments: "<ON | OFF>",
      handler: onOff,
    },
    {
      name: "no-touch",
      arity: 3,
      summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
      arguments: "<ON | OFF>",
      handler: onOff,
    },
    {
      name: "reply",
      arity: 3,
      summary: "Instructs the server whether to reply to commands.",
      arguments: "<ON | OFF | SKIP>",
      handler: reply,
    },
  ]),
];
