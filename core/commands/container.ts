/**
 * Container commands (CLIENT, CONFIG, COMMAND, SLOWLOG, CLUSTER): one table row whose handler
 * routes on the subcommand, checks the subcommand's arity with Redis 7 wording
 * (`'client|kill'`), answers `HELP` from the same data and lists the subcommands for
 * `COMMAND DOCS`. Unknown subcommands get Redis's `Try X HELP.` error.
 */
import {
  arityFits,
  command,
  CommandFlag,
  CommandSpec,
  Handler,
  SubcommandDoc,
} from "../command.ts";
import { assert, errors } from "../errors.ts";
import { keyword, text } from "../keys.ts";
import { Status } from "../reply.ts";

export interface Subcommand extends SubcommandDoc {
  readonly handler: Handler;
}

export interface ContainerSpec {
  readonly name: string;
  readonly flags: readonly CommandFlag[];
  readonly group: string;
  readonly summary: string;
  readonly since?: string;
  /** Runs when no subcommand is given (bare `COMMAND`); without it that is an arity error. */
  readonly bare?: Handler;
  readonly redact?: (args: readonly Uint8Array[]) => number[];
}

/** Builds the row for a container command from its subcommands (HELP is added). */
export function container(spec: ContainerSpec, subcommands: readonly Subcommand[]): CommandSpec {
  const help: Subcommand = {
    name: "help",
    arity: 2,
    summary: "Prints this help.",
    handler: () => helpLines(spec.name, all).map((line) => new Status(line)),
  };
  const all = [...subcommands, help];
  const byName = new Map(all.map((s) => [s.name.toUpperCase(), s]));
  const { bare, ...row } = spec;
  /** The subcommand called, or undefined for a bare call; throws Redis's lookup errors. */
  const lookup = (args: readonly Uint8Array[]): Subcommand | undefined => {
    const typed = args[1];
    if (typed === undefined) return undefined;
    const sub = byName.get(keyword(typed));
    if (sub === undefined) throw errors.unknownSubcommand(text(typed), spec.name);
    if (!arityFits(sub, args.length)) throw errors.arity(`${spec.name}|${sub.name}`);
    return sub;
  };
  return command({
    ...row,
    arity: bare === undefined ? -2 : -1,
    subcommands: all.map(({ name, arity, summary, arguments: syntax, keyAt }) => ({
      name,
      arity,
      summary,
      ...(syntax === undefined ? {} : { arguments: syntax }),
      ...(keyAt === undefined ? {} : { keyAt }),
    })),
    resolve: (args) => {
      const sub = lookup(args);
      return sub === undefined ? spec.name : `${spec.name}|${sub.name}`;
    },
    handler: (ctx, args) => {
      const sub = lookup(args);
      if (sub === undefined) {
        assert(bare !== undefined, "arity admits no bare call");
        return bare(ctx, args);
      }
      return sub.handler(ctx, args);
    },
  });
}

/** Redis's HELP layout: a usage line, then each subcommand's syntax and indented summary. */
function helpLines(name: string, subcommands: readonly SubcommandDoc[]): string[] {
  const upper = name.toUpperCase();
  const lines = [`${upper} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`];
  for (const sub of subcommands) {
    lines.push(`${sub.name.toUpperCase()} ${sub.arguments ?? ""}`.trimEnd());
    lines.push(`    ${sub.summary}`);
  }
  return lines;
}
