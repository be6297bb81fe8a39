/**
 * The built-in INFO sections, with Redis's field names so existing dashboards and clients
 * (SmartRedis reads `INFO EVERYTHING`) parse them. Fields inferdb has no counterpart for keep
 * Redis's neutral value (0, `ok`, -1). Another layer may register a section of the same name in
 * `server.infoSections` (persistence fills the `rdb_*`/`aof_*` fields); its fields replace the
 * defaults by name.
 */
import process from "node:process";
import type { InfoSection, ServerState } from "../server_state.ts";
import { AI_MODULE_VERSION, REDIS_VERSION } from "../version.ts";

export interface BuiltinSection {
  /** Lower-case name used to select it (`INFO memory`). */
  readonly name: string;
  /** Header text (`# Memory`). */
  readonly title: string;
  /** Part of plain `INFO` (`commandstats` is only in `all`/`everything`). */
  readonly inDefault: boolean;
  readonly fields: (server: ServerState) => ReturnType<InfoSection>;
}

/** The Redis version we report (RESP-level compatibility target). */

const peakBytes = new WeakMap<ServerState, number>();

/** Forgets the memory peak (CONFIG RESETSTAT). */
export function resetPeak(server: ServerState): void {
  peakBytes.delete(server);
}

/** Redis's bytesToHuman: `512B`, `1.50K`, `2.00M`, `1.00G`. */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let value = n / 1024;
  for (const unit of units) {
    if (value < 1024 || unit === "P") return `${value.toFixed(2)}${unit}`;
    value /= 1024;
  }
  return `${n}B`;
}

/** A value that needs `--allow-sys`; `fallback` when the permission is missing. */
function sys<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function serverFields(server: ServerState): ReturnType<InfoSection> {
  const nowMs = server.now();
  const uptimeSec = Math.floor((nowMs - server.startedMs) / 1000);
  return [
    ["redis_version", REDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", "0"],
    ["redis_mode", "standalone"],
    ["os", `${Deno.build.os} ${sys(() => Deno.osRelease(), "")} ${Deno.build.arch}`],
    ["arch_bits", 64],
    ["multiplexing_api", "deno"],
    ["process_id", Deno.pid],
    ["process_supervised", "no"],
    ["run_id", server.runId],
    ["tcp_port", server.port],
    ["server_time_usec", nowMs * 1000],
    ["uptime_in_seconds", uptimeSec],
    ["uptime_in_days", Math.floor(uptimeSec / 86400)],
    ["hz", 10],
    ["configured_hz", 10],
    ["config_file", ""],
    ["inferdb_runtime", `deno ${Deno.version.deno}`],
  ];
}

function clientsFields(server: ServerState): ReturnType<InfoSection> {
  let blocked = 0;
  for (const c of server.clients.values()) if (c.blocked) blocked++;
  return [
    ["connected_clients", server.clients.size],
    ["cluster_connections", 0],
    ["maxclients", server.config.maxclients],
    ["client_recent_max_input_buffer", 0],
    ["client_recent_max_output_buffer", 0],
    ["blocked_clients", blocked],
    ["tracking_clients", 0],
    ["clients_in_timeout_table", 0],
  ];
}

function memoryFields(server: ServerState): ReturnType<InfoSection> {
  const used = server.keyspace.usedBytes;
  const peak = Math.max(peakBytes.get(server) ?? 0, used);
  peakBytes.set(server, peak);
  const heap = Deno.memoryUsage();
  const system = sys(() => Deno.systemMemoryInfo().total, 0);
  const maxmemory = server.keyspace.maxmemoryBytes;
  return [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", heap.rss],
    ["used_memory_rss_human", bytesToHuman(heap.rss)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", bytesToHuman(peak)],
    ["used_memory_dataset", used],
    ["used_memory_heap", heap.heapUsed],
    ["used_memory_external", heap.external],
    ["total_system_memory", system],
    ["total_system_memory_human", bytesToHuman(system)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", "noeviction"],
    ["mem_allocator", "v8"],
  ];
}

function persistenceFields(server: ServerState): ReturnType<InfoSection> {
  return [
    ["loading", 0],
    ["async_loading", 0],
    ["rdb_changes_since_last_save", server.keyspace.changes],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", Math.floor(server.startedMs / 1000)],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_last_bgsave_time_sec", -1],
    ["rdb_current_bgsave_time_sec", -1],
    ["rdb_saves", 0],
    ["aof_enabled", 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", "ok"],
    ["aof_rewrites", 0],
    ["aof_last_write_status", "ok"],
  ];
}

function statsFields(server: ServerState): ReturnType<InfoSection> {
  const ks = server.keyspace;
  let errorReplies = 0;
  for (const n of server.errorStats.values()) errorReplies += n;
  return [
    ["total_connections_received", server.totalConnections],
    ["total_commands_processed", server.totalCommands],
    ["total_net_input_bytes", server.netInputBytes],
    ["total_net_output_bytes", server.netOutputBytes],
    ["rejected_connections", server.rejectedConnections],
    ["expired_keys", ks.expiredKeys.count],
    ["evicted_keys", 0],
    ["keyspace_hits", ks.keyspaceHits.count],
    ["keyspace_misses", ks.keyspaceMisses.count],
    ["pubsub_channels", 0],
    ["pubsub_patterns", 0],
    ["total_error_replies", errorReplies],
  ];
}

function replicationFields(server: ServerState): ReturnType<InfoSection> {
  return [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", server.runId],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
    ["repl_backlog_size", 1048576],
    ["repl_backlog_first_byte_offset", 0],
    ["repl_backlog_histlen", 0],
  ];
}

function cpuFields(): ReturnType<InfoSection> {
  const usage = process.cpuUsage();
  const sysSec = (usage.system / 1e6).toFixed(6);
  const userSec = (usage.user / 1e6).toFixed(6);
  return [
    ["used_cpu_sys", sysSec],
    ["used_cpu_user", userSec],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", sysSec],
    ["used_cpu_user_main_thread", userSec],
  ];
}

function commandstatsFields(server: ServerState): ReturnType<InfoSection> {
  return [...server.commandStats].map(([name, s]) => [
    `cmdstat_${name}`,
    `calls=${s.calls},usec=${s.usec},usec_per_call=${
      (s.calls === 0 ? 0 : s.usec / s.calls).toFixed(2)
    },rejected_calls=${s.rejected},failed_calls=${s.failed}`,
  ]);
}

function keyspaceFields(server: ServerState): ReturnType<InfoSection> {
  return server.keyspace.dbs.filter((db) => db.size > 0).map((db) => [
    `db${db.index}`,
    `keys=${db.size},expires=${db.expires.size},avg_ttl=0`,
  ]);
}

export const BUILTIN_SECTIONS: readonly BuiltinSection[] = [
  { name: "server", title: "Server", inDefault: true, fields: serverFields },
  { name: "clients", title: "Clients", inDefault: true, fields: clientsFields },
  { name: "memory", title: "Memory", inDefault: true, fields: memoryFields },
  { name: "persistence", title: "Persistence", inDefault: true, fields: persistenceFields },
  { name: "stats", title: "Stats", inDefault: true, fields: statsFields },
  { name: "replication", title: "Replication", inDefault: true, fields: replicationFields },
  { name: "cpu", title: "CPU", inDefault: true, fields: cpuFields },
  {
    name: "module_list",
    title: "Modules",
    inDefault: true,
    fields: () => [[
      "module",
      `name=ai,ver=${AI_MODULE_VERSION},api=1,filters=0,usedby=[],using=[],options=[]`,
    ]],
  },
  { name: "commandstats", title: "Commandstats", inDefault: false, fields: commandstatsFields },
  {
    name: "errorstats",
    title: "Errorstats",
    inDefault: true,
    fields: (server) =>
      [...server.errorStats].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]),
  },
  { name: "cluster", title: "Cluster", inDefault: true, fields: () => [["cluster_enabled", 1]] },
  { name: "keyspace", title: "Keyspace", inDefault: true, fields: keyspaceFields },
];
