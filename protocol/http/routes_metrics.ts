/**
 * `GET /metrics`: the server's state in Prometheus text format, pulled at scrape time from
 * `ServerState` (commands, errors, latencies, clients, memory, keys, tensor bytes), from the
 * model and script entries (AI.INFO run statistics per key), from the run queues (depth per
 * device), from the HTTP app's own counters, and from every INFO section other layers
 * register (persistence, ai_*): each numeric `field:value` there becomes a gauge named
 * `inferdb_<section>_<field>` (`ok`/`err` statuses as 1/0), so a layer that reports in INFO
 * is scraped with no change here.
 */
import { aiEngine } from "../../core/exec/engine.ts";
import { keyToBytes } from "../../core/keys.ts";
import type { RunStats } from "../../core/run_stats.ts";
import type { ServerState } from "../../core/server_state.ts";
import type { HttpStats } from "./app.ts";
import { Labels, metricName, PrometheusText } from "./prometheus.ts";
import type { Route } from "./router.ts";

function serverMetrics(out: PrometheusText, server: ServerState): void {
  out.sample(
    "inferdb_uptime_seconds",
    "gauge",
    "Seconds since the server started",
    Math.floor((server.now() - server.startedMs) / 1000),
  );
  out.sample(
    "inferdb_connected_clients",
    "gauge",
    "Open RESP connections",
    server.clients.size,
  );
  const counters: [string, string, number][] = [
    ["inferdb_connections_received_total", "RESP connections accepted", server.totalConnections],
    ["inferdb_rejected_connections_total", "RESP connections refused", server.rejectedConnections],
    ["inferdb_commands_processed_total", "Commands run", server.totalCommands],
    ["inferdb_net_input_bytes_total", "RESP bytes read", server.netInputBytes],
    ["inferdb_net_output_bytes_total", "RESP bytes written", server.netOutputBytes],
  ];
  for (const [name, help, value] of counters) out.sample(name, "counter", help, value);
}

function commandMetrics(out: PrometheusText, server: ServerState): void {
  for (const [name, stat] of server.commandStats) {
    const labels = { command: name };
    out.sample("inferdb_command_calls_total", "counter", "Calls per command", stat.calls, labels);
    out.sample(
      "inferdb_command_failed_calls_total",
      "counter",
      "Calls that answered an error",
      stat.failed,
      labels,
    );
    out.sample(
      "inferdb_command_rejected_calls_total",
      "counter",
      "Calls refused before running (arity, OOM)",
      stat.rejected,
      labels,
    );
    out.histogram(
      "inferdb_command_duration_seconds",
      "Command latency",
      stat.latency,
      labels,
    );
  }
  for (const [code, count] of server.errorStats) {
    out.sample("inferdb_errors_total", "counter", "Error replies by code", count, { code });
  }
}

function memoryMetrics(out: PrometheusText, server: ServerState): void {
  const ks = server.keyspace;
  out.sample("inferdb_memory_used_bytes", "gauge", "Memory charged to data", ks.usedBytes);
  out.sample("inferdb_maxmemory_bytes", "gauge", "maxmemory (0: no limit)", ks.maxmemoryBytes);
  const usage = Deno.memoryUsage();
  out.sample("inferdb_process_resident_memory_bytes", "gauge", "Process RSS", usage.rss);
  out.sample("inferdb_process_heap_used_bytes", "gauge", "JS heap in use", usage.heapUsed);
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    const labels = { db: String(db.index) };
    out.sample("inferdb_keys", "gauge", "Keys per database", db.size, labels);
    out.sample("inferdb_expiring_keys", "gauge", "Keys with a TTL", db.expires.size, labels);
  }
  out.sample("inferdb_expired_keys_total", "counter", "Keys expired", ks.expiredKeys.count);
}

/** One pass over the entries: tensor totals, and run statistics per model and script key. */
function entryMetrics(out: PrometheusText, server: ServerState): void {
  let tensors = 0;
  let tensorBytes = 0;
  for (const db of server.keyspace.dbs) {
    for (const [key, entry] of db.entries) {
      if (entry.type === "tensor") {
        tensors++;
        tensorBytes += entry.bytes;
      } else if (entry.type === "model" || entry.type === "script") {
        const labels = { db: String(db.index), key: keyLabel(key), type: entry.type };
        runMetrics(out, entry.value.stats, labels);
      }
    }
  }
  out.sample("inferdb_tensors", "gauge", "Tensors stored", tensors);
  out.sample("inferdb_tensor_bytes", "gauge", "Memory charged to tensors", tensorBytes);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A key as a label value, one per key: its UTF-8 text with `%` written `%25`, or, when it is not
 * UTF-8, `%XX` for `%` and every byte above 0x7F (U+FFFD would give two keys one series).
 */
function keyLabel(key: string): string {
  const bytes = keyToBytes(key);
  try {
    return strictUtf8.decode(bytes).replaceAll("%", "%25");
  } catch {
    return Array.from(
      bytes,
      (b) => b > 0x7f || b === 0x25 ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b),
    ).join("");
  }
}

function runMetrics(out: PrometheusText, stats: RunStats, labels: Labels): void {
  out.sample(
    "inferdb_ai_runs_total",
    "counter",
    "Model and script runs (AI.INFO calls)",
    stats.calls,
    labels,
  );
  out.sample("inferdb_ai_run_errors_total", "counter", "Runs that failed", stats.errors, labels);
  out.sample(
    "inferdb_ai_run_duration_seconds_total",
    "counter",
    "Backend time of successful runs",
    stats.durationUs / 1e6,
    labels,
  );
  if (labels.type === "model") {
    out.sample(
      "inferdb_ai_samples_total",
      "counter",
      "Samples run (batch dim 0)",
      stats.samples,
      labels,
    );
  }
}

function queueMetrics(out: PrometheusText, server: ServerState): void {
  for (const q of aiEngine(server).queues()) {
    const labels = { device: q.device, provider: q.provider };
    out.sample(
      "inferdb_ai_queue_queued",
      "gauge",
      "Runs waiting per device queue",
      q.queued,
      labels,
    );
    out.sample(
      "inferdb_ai_queue_running",
      "gauge",
      "Runs executing per device queue",
      q.running,
      labels,
    );
    out.sample(
      "inferdb_ai_queue_threads",
      "gauge",
      "Run slots per device queue",
      q.threads,
      labels,
    );
  }
}

function httpMetrics(out: PrometheusText, stats: HttpStats): void {
  out.sample(
    "inferdb_http_requests_in_flight",
    "gauge",
    "HTTP requests being served",
    stats.inFlight,
  );
  for (const [key, count] of stats.requests) {
    const cut = key.lastIndexOf(" ");
    out.sample(
      "inferdb_http_requests_total",
      "counter",
      "HTTP requests by route and status",
      count,
      {
        route: key.slice(0, cut),
        status: key.slice(cut + 1),
      },
    );
  }
  for (const [route, h] of stats.latency) {
    out.histogram("inferdb_http_request_duration_seconds", "HTTP request latency", h, { route });
  }
}

/** Status words in INFO (`rdb_last_bgsave_status:ok`) as gauge values. */
const STATUS_VALUES = new Map([["ok", 1], ["err", 0]]);

function infoMetrics(out: PrometheusText, server: ServerState): void {
  for (const [section, provider] of server.infoSections) {
    for (const [field, value] of provider()) {
      const n = typeof value === "number" ? value : STATUS_VALUES.get(value) ?? Number(value);
      if (value === "" || !Number.isFinite(n)) continue;
      const name = `inferdb_${metricName(section.toLowerCase())}_${metricName(field)}`;
      out.sample(name, "gauge", `INFO ${section} ${field}`, n);
    }
  }
}

/** The Prometheus text for `server` and the HTTP app's `stats`. */
export function renderMetrics(server: ServerState, stats: HttpStats): string {
  const out = new PrometheusText();
  serverMetrics(out, server);
  commandMetrics(out, server);
  memoryMetrics(out, server);
  entryMetrics(out, server);
  queueMetrics(out, server);
  httpMetrics(out, stats);
  infoMetrics(out, server);
  return out.toString();
}

export function metricsRoutes(stats: HttpStats): readonly Route[] {
  return [{
    method: "GET",
    path: "/metrics",
    handler: ({ server }) =>
      new Response(renderMetrics(server, stats), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      }),
  }];
}
