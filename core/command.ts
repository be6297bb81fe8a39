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
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly handler: Handler;
  /** Container commands (CLIENT, CONFIG, ...) list their subcommands for COMMAND DOCS. */
  readonly subcommands?: readonly SubcommandDoc[];
}

export interface SubcommandDoc {
  readonly name: string;
  readonly arity: number;
  readonly summary: string;
}

/** Builds a row with Redis's defaults: no keys, since 1.0.0. */
export function command(
  spec: Omit<CommandSpec, "firstKey" | "lastKey" | "step" | "since"> & Partial<CommandSpec>,
): CommandSpec {
  return { firstKey: 0, lastKey: 0, step: 0, since: "1.0.0", ...spec };
}

/** The command table: name → spec. */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();

  constructor(rows: readonly (readonly CommandSpec[])[]) {
    for (const family of rows) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) {
          throw new Error(`inferdb internal: duplicate command ${spec.name}`);
        }
        this.byName.set(spec.name, spec);
      }
    }
  }

  get(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  all(): IterableIterator<CommandSpec> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}
