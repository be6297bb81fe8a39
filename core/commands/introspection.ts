/**
 * COMMAND: the command table describing itself (bare, COUNT, INFO, DOCS, LIST, GETKEYS,
 * GETKEYSANDFLAGS), in Redis 7's reply shapes so clients that read key positions and
 * redis-cli's help and hints work. Everything is generated from the rows, never from a second list.
 */
import {
  arityFits,
  type CommandContext,
  type CommandSpec,
  hasFlag,
  keyPositions,
  registeredArity,
  type SubcommandDoc,
} from "../command.ts";
import { type ArgDoc, parseSyntax } from "../command_syntax.ts";
import { CommandError, errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { keyword, text } from "../keys.ts";
import { MapReply, Reply, SetReply, Status } from "../reply.ts";
import { container } from "./container.ts";

/** ACL categories implied by a command's group. */
const GROUP_CATEGORIES: Readonly<Record<string, string>> = {
  generic: "keyspace",
  string: "string",
  hash: "hash",
  list: "list",
  connection: "connection",
  transactions: "transaction",
  pubsub: "pubsub",
  scripting: "scripting",
};

/** The ACL categories of a row (without `@`), derived from its flags and group. */
function categories(spec: CommandSpec): string[] {
  const out: string[] = [];
  if (hasFlag(spec, "write")) out.push("write");
  if (hasFlag(spec, "readonly")) out.push("read");
  if (hasFlag(spec, "admin")) out.push("admin");
  const fromGroup = GROUP_CATEGORIES[spec.group];
  if (fromGroup !== undefined) out.push(fromGroup);
  out.push(hasFlag(spec, "fast") ? "fast" : "slow");
  if (hasFlag(spec, "blocking")) out.push("blocking");
  if (hasFlag(spec, "admin")) out.push("dangerous");
  return out;
}

function statusSet(items: readonly string[]): SetReply {
  return new SetReply(items.map((s) => new Status(s)));
}

/**
 * The flags of a row's keys. A module command's keys are `RW access update` whatever the
 * command does, plus `variable_flags` when it reports its own keys (Redis 7's
 * RM_CreateCommand; RM_KeyAtPos gives reported keys the same full access).
 */
function keyFlags(spec: CommandSpec): string[] {
  if (hasFlag(spec, "module")) {
    return spec.keys === undefined
      ? ["RW", "access", "update"]
      : ["RW", "access", "update", "variable_flags"];
  }
  return hasFlag(spec, "write") ? ["RW", "update"] : ["RO", "access"];
}

/** Redis 7 key specs for a row: its legacy key range (a moving key list is `movablekeys`). */
function keySpecs(spec: CommandSpec): Reply[] {
  if (spec.firstKey <= 0) return [];
  const flags = keyFlags(spec);
  const lastKey = spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey;
  return [
    new MapReply([
      ["flags", statusSet(flags)],
      [
        "begin_search",
        new MapReply([
          ["type", "index"],
          ["spec", new MapReply([["index", spec.firstKey]])],
        ]),
      ],
      [
        "find_keys",
        new MapReply([
          ["type", "range"],
          ["spec", new MapReply([["lastkey", lastKey], ["keystep", spec.step], ["limit", 0]])],
        ]),
      ],
    ]),
  ];
}

/** One COMMAND INFO entry (10 fields, as Redis 7); a subcommand shares its parent's flags. */
function infoEntry(spec: CommandSpec, sub?: SubcommandDoc): Reply {
  const cats = statusSet(categories(spec).map((c) => `@${c}`));
  const flags = statusSet(spec.flags);
  if (sub !== undefined) {
    const key = sub.keyAt ?? 0;
    const keyRange = [key, key, key === 0 ? 0 : 1];
    return [
      `${spec.name}|${sub.name}`,
      sub.arity,
      flags,
      ...keyRange,
      cats,
      new SetReply([]),
      [],
      [],
    ];
  }
  return [
    spec.name,
    registeredArity(spec),
    flags,
    spec.firstKey,
    spec.lastKey,
    spec.step,
    cats,
    new SetReply([]),
    keySpecs(spec),
    (spec.subcommands ?? []).map((s) => infoEntry(spec, s)),
  ];
}

function argReply(arg: ArgDoc): MapReply {
  const entries: [Reply, Reply][] = [["name", arg.name], ["type", arg.type]];
  if (arg.token !== undefined) entries.push(["token", arg.token]);
  const flags = [
    ...(arg.optional ? ["optional"] : []),
    ...(arg.multiple ? ["multiple"] : []),
  ];
  if (flags.length > 0) entries.push(["flags", statusSet(flags)]);
  if (arg.arguments !== undefined) entries.push(["arguments", arg.arguments.map(argReply)]);
  return new MapReply(entries);
}

function docEntries(
  doc: { summary: string; arguments?: string },
  spec: CommandSpec,
): [Reply, Reply][] {
  const entries: [Reply, Reply][] = [
    ["summary", doc.summary],
    ["since", spec.since],
    ["group", spec.group],
  ];
  // Redis names the module that registered a module command (`ai` for `ai.tensorset`).
  if (hasFlag(spec, "module")) entries.push(["module", spec.name.slice(0, spec.name.indexOf("."))]);
  if (doc.arguments !== undefined && doc.arguments !== "") {
    entries.push(["arguments", parseSyntax(doc.arguments).map(argReply)]);
  }
  return entries;
}

/** One COMMAND DOCS value: summary, since, group, arguments, subcommands. */
function docsEntry(spec: CommandSpec): MapReply {
  const entries = docEntries(spec, spec);
  if (spec.subcommands !== undefined) {
    entries.push(["subcommands", new MapReply(spec.subcommands.map((sub) => subDocs(spec, sub)))]);
  }
  return new MapReply(entries);
}

/** A subcommand's COMMAND DOCS pair, `container|sub` → its docs. */
function subDocs(spec: CommandSpec, sub: SubcommandDoc): [Reply, Reply] {
  return [`${spec.name}|${sub.name}`, new MapReply(docEntries(sub, spec))];
}

/** Looks up `name` or `container|sub`; the sub is returned for the latter. */
function lookup(
  ctx: CommandContext,
  name: string,
): { spec: CommandSpec; sub?: SubcommandDoc } | undefined {
  const [top, subName, extra] = name.toLowerCase().split("|");
  const spec = ctx.server.table.get(top ?? "");
  if (spec === undefined || extra !== undefined) return undefined;
  if (subName === undefined) return { spec };
  const sub = spec.subcommands?.find((s) => s.name === subName);
  return sub === undefined ? undefined : { spec, sub };
}

function info(ctx: CommandContext, names: readonly Uint8Array[]): Reply {
  if (names.length === 0) return [...ctx.server.table.all()].map((spec) => infoEntry(spec));
  return names.map((n) => {
    const found = lookup(ctx, text(n));
    return found === undefined ? null : infoEntry(found.spec, found.sub);
  });
}

function docs(ctx: CommandContext, names: readonly Uint8Array[]): Reply {
  if (names.length === 0) {
    return new MapReply([...ctx.server.table.all()].map((spec) => [spec.name, docsEntry(spec)]));
  }
  return new MapReply(names.flatMap((n): [Reply, Reply][] => {
    const found = lookup(ctx, text(n));
    if (found === undefined) return [];
    return [
      found.sub === undefined
        ? [found.spec.name, docsEntry(found.spec)]
        : subDocs(found.spec, found.sub),
    ];
  }));
}

/** Every command and subcommand name, as COMMAND LIST reports them. */
function allNames(ctx: CommandContext): { name: string; spec: CommandSpec }[] {
  const out: { name: string; spec: CommandSpec }[] = [];
  for (const spec of ctx.server.table.all()) {
    out.push({ name: spec.name, spec });
    for (const sub of spec.subcommands ?? []) out.push({ name: `${spec.name}|${sub.name}`, spec });
  }
  return out;
}

function list(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length === 2) return allNames(ctx).map((n) => n.name);
  if (args.length !== 5 || keyword(args[2] as Uint8Array) !== "FILTERBY") throw errors.syntax();
  const value = text(args[4] as Uint8Array);
  let keep: (n: { name: string; spec: CommandSpec }) => boolean;
  switch (keyword(args[3] as Uint8Array)) {
    case "MODULE":
      keep = (n) => hasFlag(n.spec, "module") && n.name.startsWith(`${value}.`);
      break;
    case "ACLCAT":
      keep = (n) => categories(n.spec).includes(value.toLowerCase());
      break;
    case "PATTERN":
      keep = (n) => globMatch(value, n.name, true);
      break;
    default:
      throw errors.syntax();
  }
  return allNames(ctx).filter(keep).map((n) => n.name);
}

/**
 * The key positions of the command in `args[2..]` (COMMAND GETKEYS and GETKEYSANDFLAGS), with
 * Redis 7's checks in its order: a known command (and subcommand), one that has keys, its
 * arity, and at least one key found.
 */
function targetKeys(ctx: CommandContext, args: readonly Uint8Array[]): {
  spec: CommandSpec;
  target: readonly Uint8Array[];
  positions: number[];
} {
  const target = args.slice(2);
  const spec = ctx.server.table.get(text(target[0] as Uint8Array).toLowerCase());
  const typed = target[1];
  const sub = typed === undefined
    ? undefined
    : spec?.subcommands?.find((s) => s.name === text(typed).toLowerCase());
  if (
    spec === undefined ||
    (typed !== undefined && spec.subcommands !== undefined && sub === undefined)
  ) {
    throw new CommandError("ERR Invalid command specified");
  }
  // A subcommand (OBJECT ENCODING) has its own key and arity.
  const hasKeys = sub === undefined
    ? spec.firstKey > 0 || spec.keys !== undefined
    : sub.keyAt !== undefined;
  if (!hasKeys) throw new CommandError("ERR The command has no key arguments");
  const arityChecked = sub ?? (hasFlag(spec, "module") ? undefined : spec);
  if (arityChecked !== undefined && !arityFits(arityChecked, target.length)) {
    throw new CommandError("ERR Invalid number of arguments specified for command");
  }
  const positions = sub?.keyAt === undefined ? keyPositions(spec, target) : [sub.keyAt];
  if (positions.length === 0) throw new CommandError("ERR Invalid arguments specified for command");
  return { spec, target, positions };
}

function getkeys(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const { target, positions } = targetKeys(ctx, args);
  return positions.map((i) => target[i] as Uint8Array);
}

function getkeysAndFlags(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const { spec, target, positions } = targetKeys(ctx, args);
  const flags = statusSet(keyFlags(spec));
  return positions.map((i) => [target[i] as Uint8Array, flags]);
}

export const introspectionCommands = [
  container({
    name: "command",
    flags: ["loading", "stale"],
    group: "server",
    summary: "Returns detailed information about all commands.",
    since: "2.8.13",
    bare: (ctx) => info(ctx, []),
  }, [
    {
      name: "count",
      arity: 2,
      summary: "Returns a count of commands.",
      handler: (ctx) => ctx.server.table.size,
    },
    {
      name: "info",
      arity: -2,
      summary: "Returns information about one, multiple or all commands.",
      arguments: "[command-name [command-name ...]]",
      handler: (ctx, args) => info(ctx, args.slice(2)),
    },
    {
      name: "docs",
      arity: -2,
      summary: "Returns documentary information about one, multiple or all commands.",
      arguments: "[command-name [command-name ...]]",
      handler: (ctx, args) => docs(ctx, args.slice(2)),
    },
    {
      name: "list",
      arity: -2,
      summary: "Returns a list of command names.",
      arguments: "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]",
      handler: list,
    },
    {
      name: "getkeys",
      arity: -4,
      summary: "Extracts the key names from an arbitrary command.",
      arguments: "command [arg [arg ...]]",
      handler: getkeys,
    },
    {
      name: "getkeysandflags",
      arity: -4,
      summary: "Extracts the key names and access flags from an arbitrary command.",
      arguments: "command [arg [arg ...]]",
      handler: getkeysAndFlags,
    },
  ]),
];
