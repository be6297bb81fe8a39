/**
 * INFO: the built-in sections plus whatever other layers register in `server.infoSections`.
 * Selection follows Redis 7: no argument or `default` gives the default sections, `all` adds
 * commandstats, `everything` also adds registered (module-style) sections, `modules` gives the
 * module list and the registered sections, and a name picks that section. A registered section
 * whose name is built in merges into it; any other is printed under `# <name>` as registered.
 */
import type { CommandContext } from "../command.ts";
import { command } from "../command.ts";
import { text } from "../keys.ts";
import { VerbatimReply } from "../reply.ts";
import type { InfoSection, ServerState } from "../server_state.ts";
import { BUILTIN_SECTIONS, resetPeak } from "./info_sections.ts";

type Fields = ReturnType<InfoSection>;

const BUILTIN_NAMES = new Set(BUILTIN_SECTIONS.map((s) => s.name));

function render(title: string, fields: Fields): string {
  let out = `# ${title}\r\n`;
  for (const [name, value] of fields) out += `${name}:${value}\r\n`;
  return out;
}

/** Defaults with a registered provider's fields replacing them by name (extras appended). */
function merge(defaults: Fields, override: InfoSection | undefined): Fields {
  if (override === undefined) return defaults;
  const replaced = new Map(override());
  const merged = defaults.map(([name, value]): readonly [string, string | number] => {
    const value2 = replaced.get(name);
    replaced.delete(name);
    return [name, value2 ?? value];
  });
  return [...merged, ...replaced];
}

/** The INFO text for the requested section names (case-insensitive). */
export function infoText(server: ServerState, requested: readonly string[]): string {
  const names = new Set(requested.map((n) => n.toLowerCase()));
  const everything = names.has("everything");
  const all = everything || names.has("all");
  const plain = names.size === 0 || names.has("default");
  const modules = names.has("modules");
  const parts: string[] = [];
  for (const section of BUILTIN_SECTIONS) {
    const chosen = all || (plain && section.inDefault) || names.has(section.name) ||
      (modules && section.name === "module_list");
    if (!chosen) continue;
    const fields = merge(section.fields(server), server.infoSections.get(section.name));
    parts.push(render(section.title, fields));
  }
  for (const [name, provider] of server.infoSections) {
    if (BUILTIN_NAMES.has(name)) continue;
    if (everything || modules || names.has(name)) parts.push(render(name, provider()));
  }
  return parts.join("\r\n");
}

/** CONFIG RESETSTAT: zeroes the counters INFO reports. */
export function resetStats(server: ServerState): void {
  server.commandStats.clear();
  server.errorStats.clear();
  server.totalCommands = 0;
  server.totalConnections = 0;
  server.rejectedConnections = 0;
  server.netInputBytes = 0;
  server.netOutputBytes = 0;
  server.keyspace.expiredKeys.count = 0;
  server.keyspace.keyspaceHits.count = 0;
  server.keyspace.keyspaceMisses.count = 0;
  resetPeak(server);
}

export const infoCommands = [
  command({
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    group: "server",
    summary: "Returns information and statistics about the server.",
    arguments: "[section [section ...]]",
    handler: (ctx: CommandContext, args) =>
      new VerbatimReply(infoText(ctx.server, args.slice(1).map(text))),
  }),
];
