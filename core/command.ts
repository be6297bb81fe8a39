/**
 * Commands are data: a name, Redis's arity convention (n exact, -n at least n), flags, key
 * positions, documentation and a handler. Each family exports its rows from one file under
 * `core/commands/`; `COMMAND`, `COMMAND DOCS`, INFO commandstats and HTTP are generated from
 * the table.
 */
import type { ClientState } from "./client.ts";
import type { Db } from "./keyspace.ts";
import type { Reply } from "./reply.ts";
import type { ServerState } from "./server_state.ts";

export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "fast"
  | "no_auth"
  | "no_multi"
  | "allow_busy"
  | "module"
  | "movablekeys";

export interface CommandContext {
  readonly server: ServerState;
  readonly client: ClientState;
  readonly db: Db;
}

export type Handler = (ctx: CommandContext, args: readonly Uint8Array[]) => Reply | Promise<Reply>;

export interface CommandSpec {
  /** Lower-case name as registered (`get`, `ai.tensorset`). */
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /**
   * Key positions of one call (`args[0]` is the name) for rows flagged `movablekeys`, whose
   * keys depend on the arguments (RedisAI's getkeys-api commands); other rows' keys are
   * `firstKey`..`lastKey` by `step`. See `keyPositions`.
   */
  readonly keys?: (args: readonly Uint8Array[]) => number[];
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly handler: Handler;
  /** Container commands (CLIENT, CONFIG, ...) list their subcommands for COMMAND DOCS. */
  readonly subcommands?: readonly SubcommandDoc[];
  /**
   * Container commands: the called subcommand's full name (`config|get`), which commandstats
   * and CLIENT LIST show. Throws Redis's lookup errors (unknown subcommand, its arity), which
   * refuse the call before it runs or is queued.
   */
  readonly resolve?: (args: readonly Uint8Array[]) => string;
  /** Positions of secrets (passwords) in a call, which SLOWLOG and MONITOR show as `(redacted)`. */
  readonly redact?: (args: readonly Uint8Array[]) => number[];
  /**
   * Syntax after the name in Redis's doc notation (`key value [NX | XX] [key ...]`); COMMAND
   * DOCS turns it into argument docs, which redis-cli shows as hints.
   */
  readonly arguments?: string;
  /**
   * Work bounded by the command's own arguments though Redis doesn't flag it `fast` (SET and
   * its kin, filed under @slow): pipelined, such commands share clock readings as fast ones do.
   */
  readonly argumentBound?: true;
  /** `flags` as bits (see `hasFlag`), computed once by `command()` for the dispatch hot path. */
  readonly flagMask: number;
}

export interface SubcommandDoc {
  /** Lower-case subcommand name without its container (`setname`). */
  readonly name: string;
  readonly arity: number;
  readonly summary: string;
  readonly arguments?: string;
  /** Where its one key argument is (`OBJECT ENCODING key`: 2), for subcommands that take one. */
  readonly keyAt?: number;
}

const FLAG_NAMES: readonly CommandFlag[] = [
  "write",
  "readonly",
  "denyoom",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "fast",
  "no_auth",
  "no_multi",
  "allow_busy",
  "module",
  "movablekeys",
];

const FLAG_BITS = Object.fromEntries(FLAG_NAMES.map((flag, i) => [flag, 1 << i])) as Readonly<
  Record<CommandFlag, number>
>;

/** True when `spec` carries `flag` (a bit test: dispatch asks this for every request). */
export function hasFlag(spec: CommandSpec, flag: CommandFlag): boolean {
  return (spec.flagMask & FLAG_BITS[flag]) !== 0;
}

/**
 * The arity Redis reports for `spec` and checks before queueing: module commands are registered
 * with -1 and check their own count when they run.
 */
export function registeredArity(spec: CommandSpec): number {
  return hasFlag(spec, "module") ? -1 : spec.arity;
}

/** Whether `argCount` is what `spec.arity` asks for (exact when positive, a minimum when not). */
export function arityFits(spec: { readonly arity: number }, argCount: number): boolean {
  return spec.arity > 0 ? argCount === spec.arity : argCount >= -spec.arity;
}

type SpecInput =
  & Omit<CommandSpec, "firstKey" | "lastKey" | "step" | "since" | "flagMask">
  & Partial<Omit<CommandSpec, "flagMask">>;

/** Builds a row with Redis's defaults: no keys, since 1.0.0. */
export function command(spec: SpecInput): CommandSpec {
  const flagMask = spec.flags.reduce((mask, flag) => mask | FLAG_BITS[flag], 0);
  return { firstKey: 0, lastKey: 0, step: 0, since: "1.0.0", ...spec, flagMask };
}

/**
 * Where the keys of one call of `spec` are in `args` (`args[0]` is the name), as Redis's
 * getKeysFromCommand: the row's own `keys` when it has one, else its key range.
 */
export function keyPositions(spec: CommandSpec, args: readonly Uint8Array[]): number[] {
  if (spec.keys !== undefined) return spec.keys(args);
  const out: number[] = [];
  if (spec.firstKey <= 0) return out;
  const last = spec.lastKey < 0 ? args.length + spec.lastKey : spec.lastKey;
  for (let i = spec.firstKey; i <= last && i < args.length; i += Math.max(1, spec.step)) {
    out.push(i);
  }
  return out;
}

const encoder = new TextEncoder();

/** Hash of a name's bytes, ASCII letters folded to lower case (FNV-1a, 32 bits). */
function nameHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    let c = bytes[i] as number;
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** True when `bytes`, lower-cased, spell `name` (an ASCII command name). */
function spells(bytes: Uint8Array, name: string): boolean {
  if (bytes.length !== name.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    let c = bytes[i] as number;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** The command table: name → spec. */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly byHash = new Map<number, CommandSpec>();

  constructor(rows: readonly (readonly CommandSpec[])[]) {
    for (const family of rows) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) {
          throw new Error(`inferdb internal: duplicate command ${spec.name}`);
        }
        this.byName.set(spec.name, spec);
        const hash = nameHash(encoder.encode(spec.name));
        if (this.byHash.has(hash)) {
          throw new Error(`inferdb internal: command hash clash ${spec.name}`);
        }
        this.byHash.set(hash, spec);
      }
    }
  }

  get(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  /** Looks a command up by its name's bytes, in any case, without building a string. */
  lookup(bytes: Uint8Array): CommandSpec | undefined {
    const spec = this.byHash.get(nameHash(bytes));
    return spec !== undefined && spells(bytes, spec.name) ? spec : undefined;
  }

  all(): IterableIterator<CommandSpec> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}
