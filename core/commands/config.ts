/**
 * CONFIG GET (several glob patterns, case-insensitive), CONFIG SET (several pairs, validated
 * together and applied all or nothing), RESETSTAT and REWRITE (refused: there is no config
 * file). Parameters and their validation live in `core/config.ts`; values mirrored elsewhere
 * (maxmemory in the keyspace) are refreshed here after a SET.
 */
import type { CommandContext } from "../command.ts";
import { type Config, formatParam, type ParamName, PARAMS, setParam } from "../config.ts";
import { CommandError, errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { keyword, text } from "../keys.ts";
import { MapReply, OK, Reply } from "../reply.ts";
import type { ServerState } from "../server_state.ts";
import { container } from "./container.ts";
import { resetStats } from "./info.ts";

const NAMES = Object.keys(PARAMS) as ParamName[];

/** Copies of config values that other parts keep for speed, refreshed after a change. */
const MIRRORS: Partial<Record<ParamName, (server: ServerState) => void>> = {
  maxmemory: (server) => server.keyspace.maxmemoryBytes = server.config.maxmemory,
};

function get(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const matched = new Set<ParamName>();
  for (const arg of args.slice(2)) {
    const pattern = text(arg).toLowerCase();
    if (!/[*?[]/.test(pattern)) {
      if ((NAMES as string[]).includes(pattern)) matched.add(pattern as ParamName);
      continue;
    }
    for (const name of NAMES) if (globMatch(pattern, name, true)) matched.add(name);
  }
  const config = ctx.server.config;
  return new MapReply(
    NAMES.filter((n) => matched.has(n)).map((n) => [n, formatParam(config, n)]),
  );
}

/** The values CONFIG SET gives to sensitive parameters (requirepass). */
function setSecrets(args: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  if (keyword(args[1] as Uint8Array) !== "SET") return out;
  for (let i = 2; i + 1 < args.length; i += 2) {
    if (keyword(args[i] as Uint8Array) === "REQUIREPASS") out.push(i + 1);
  }
  return out;
}

function set(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length % 2 !== 0) throw errors.syntax();
  const server = ctx.server;
  const staged: Config = { ...server.config };
  const names: string[] = [];
  for (let i = 2; i < args.length; i += 2) {
    const name = text(args[i] as Uint8Array).toLowerCase();
    if (names.includes(name)) {
      throw new CommandError(
        `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`,
      );
    }
    names.push(name);
    setParam(staged, name, text(args[i + 1] as Uint8Array), ctx.client.local ? "local" : "remote");
  }
  for (const name of names as ParamName[]) {
    (server.config as Record<ParamName, unknown>)[name] = staged[name];
    MIRRORS[name]?.(server);
  }
  return OK;
}

export const configCommands = [
  container({
    name: "config",
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    summary: "A container for server configuration commands.",
    since: "2.0.0",
    redact: setSecrets,
  }, [
    {
      name: "get",
      arity: -3,
      summary: "Returns the effective values of configuration parameters.",
      arguments: "parameter [parameter ...]",
      handler: get,
    },
    {
      name: "set",
      arity: -4,
      summary: "Sets configuration parameters in-flight.",
      arguments: "parameter value [parameter value ...]",
      handler: set,
    },
    {
      name: "resetstat",
      arity: 2,
      summary: "Resets the server's statistics.",
      handler: (ctx) => {
        resetStats(ctx.server);
        return OK;
      },
    },
    {
      name: "rewrite",
      arity: 2,
      summary: "Persists the effective configuration to file.",
      handler: () => {
        throw new CommandError("ERR The server is running without a config file");
      },
    },
  ]),
];
