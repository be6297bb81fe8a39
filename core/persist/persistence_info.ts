/**
 * The INFO persistence fields, named and ordered as Redis 7 prints them (SmartRedis reads
 * `rdb_last_save_time`; monitoring tools read the rest). There is no fork, so the
 * copy-on-write fields are always 0.
 */
import type { InfoSection, ServerState } from "../server_state.ts";
import type { Persistence } from "./persistence.ts";

type Fields = ReturnType<InfoSection>;

function jobSec(p: { readonly startedMs: number } | undefined, nowMs: number): number {
  return p === undefined ? -1 : Math.round((nowMs - p.startedMs) / 1000);
}

function status(ok: boolean): string {
  return ok ? "ok" : "err";
}

export function persistenceInfo(p: Persistence, server: ServerState): Fields {
  const nowMs = server.now();
  const background = p.bgsave !== undefined && !p.bgsave.foreground ? p.bgsave : undefined;
  const aof = p.aof;
  const fields: [string, string | number][] = [
    ["loading", p.loading ? 1 : 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", server.keyspace.changes - p.changesAtSave],
    ["rdb_bgsave_in_progress", background === undefined ? 0 : 1],
    ["rdb_last_save_time", p.lastSaveSec],
    ["rdb_last_bgsave_status", status(p.lastBgsaveOk)],
    ["rdb_last_bgsave_time_sec", p.lastBgsaveSec],
    ["rdb_current_bgsave_time_sec", jobSec(background, nowMs)],
    ["rdb_saves", p.saves],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", p.keysExpiredAtLoad],
    ["rdb_last_load_keys_loaded", p.keysLoaded],
    ["aof_enabled", aof === undefined ? 0 : 1],
    ["aof_rewrite_in_progress", p.rewrite === undefined ? 0 : 1],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", p.lastRewriteSec],
    ["aof_current_rewrite_time_sec", jobSec(p.rewrite, nowMs)],
    ["aof_last_bgrewrite_status", status(p.lastRewriteOk)],
    ["aof_rewrites", p.rewrites],
    ["aof_rewrites_consecutive_failures", p.rewriteFailures],
    ["aof_last_write_status", status(aof?.lastError === undefined)],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
  if (aof !== undefined) {
    fields.push(
      ["aof_current_size", aof.sizeBytes],
      ["aof_base_size", aof.baseBytes],
      ["aof_pending_rewrite", 0],
      ["aof_buffer_length", aof.bufferedBytes],
      ["aof_pending_bio_fsync", 0],
      ["aof_delayed_fsync", 0],
    );
  }
  return fields;
}
