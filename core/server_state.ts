/**
 * Everything a handler may reach beyond its client: the config, the keyspace, the command
 * table, connected clients, statistics, the slowlog and hooks that outer layers install
 * (shutdown, INFO sections). One instance per server process.
 */
import type { ClientState } from "./client.ts";
import type { CommandTable } from "./command.ts";
import type { Config } from "./config.ts";
import { Keyspace } from "./keyspace.ts";
import { LatencyHistogram } from "./latency_histogram.ts";
import type { Persistence } from "./persist/persistence.ts";

export interface CommandStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
  /** Latency distribution (Prometheus histograms on `/metrics`). */
  readonly latency: LatencyHistogram;
}

export interface SlowlogEntry {
  readonly id: number;
  readonly timeSec: number;
  readonly durationUs: number;
  readonly args: readonly Uint8Array[];
  readonly addr: string;
  readonly name: string;
}

/** An INFO section provider: returns `field:value` pairs in order. */
export type InfoSection = () => ReadonlyArray<readonly [string, string | number]>;

export class ServerState {
  readonly keyspace: Keyspace;
  readonly clients = new Map<number, ClientState>();
  readonly monitors = new Set<ClientState>();
  readonly commandStats = new Map<string, CommandStat>();
  readonly errorStats = new Map<string, number>();
  readonly slowlog: SlowlogEntry[] = [];
  slowlogNextId = 0;
  readonly startedMs: number;
  readonly runId: string;
  nextClientId = 1;
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Extra INFO sections registered by other layers (persistence, ai, ...), in order. */
  readonly infoSections = new Map<string, InfoSection>();
  /** Snapshots and the append-only log (installed by main.ts `start()`). */
  persistence: Persistence | undefined;
  /** Installed by main.ts: stops the process after an optional save. */
  shutdown: (save: boolean | undefined) => Promise<void> = () => Promise.resolve();
  /** Bound TCP port, for CLUSTER replies. */
  port = 0;
  host = "127.0.0.1";

  constructor(
    readonly config: Config,
    readonly table: CommandTable,
    readonly now: () => number = Date.now,
  ) {
    this.keyspace = new Keyspace(config.databases, now);
    this.keyspace.maxmemoryBytes = config.maxmemory;
    this.startedMs = now();
    this.runId = randomHex(40);
  }

  stat(name: string): CommandStat {
    let stat = this.commandStats.get(name);
    if (stat === undefined) {
      stat = { calls: 0, usec: 0, rejected: 0, failed: 0, latency: new LatencyHistogram() };
      this.commandStats.set(name, stat);
    }
    return stat;
  }
}

/** `n` random lowercase hex digits. */
export function randomHex(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(n / 2)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, n);
}
