/**
 * AI.INFO (per-key run statistics), AI.CONFIG (RedisAI's runtime settings) and the `ai_*`
 * INFO sections RedisAI's INFO MODULES prints (versions, load-time configs, backends, CPU and
 * run queues). AI.INFO reads whatever entry type keeps run statistics: models and scripts
 * (`runInfo`).
 */
import process from "node:process";
import { parseIntOrUndefined } from "../args.ts";
import { command, CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { aiEngine } from "../exec/engine.ts";
import type { Entry } from "../keyspace.ts";
import { bytesToKey, keyToBytes, keyword, text } from "../keys.ts";
import { BACKEND_NAMES } from "../model_value.ts";
import { OK, Reply } from "../reply.ts";
import { resetRunStats, RunStats } from "../run_stats.ts";
import type { ServerState } from "../server_state.ts";
import { AI_MODULE_VERSION } from "../version.ts";

/** What AI.INFO reports about a key. */
export interface RunInfo {
  readonly type: "MODEL" | "SCRIPT";
  readonly backend: string;
  readonly device: string;
  /** Byte-string tag (`core/keys.ts`). */
  readonly tag: string;
  readonly stats: RunStats;
}

/** The run statistics an entry keeps, if its type keeps any. */
export function runInfo(entry: Entry | undefined): RunInfo | undefined {
  switch (entry?.type) {
    case "model": {
      const { backend, device, tag, stats } = entry.value;
      return { type: "MODEL", backend, device, tag, stats };
    }
    case "script": {
      const { device, tag, stats } = entry.value;
      return { type: "SCRIPT", backend: "TORCH", device, tag, stats };
    }
    default:
      return undefined;
  }
}

function aiInfo(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length > 3) throw errors.arity(text(args[0] as Uint8Array));
  const key = bytesToKey(args[1] as Uint8Array);
  const info = runInfo(ctx.db.get(key));
  if (info === undefined) throw new CommandError("ERR cannot find run info for key", "not_found");
  const { stats } = info;
  if (args.length === 3 && keyword(args[2] as Uint8Array) === "RESETSTAT") {
    resetRunStats(stats);
    return OK;
  }
  return [
    "key",
    keyToBytes(key),
    "type",
    info.type,
    "backend",
    info.backend,
    "device",
    info.device,
    "tag",
    keyToBytes(info.tag),
    "duration",
    stats.durationUs,
    "samples",
    info.type === "SCRIPT" ? -1 : stats.samples,
    "calls",
    stats.calls,
    "errors",
    stats.errors,
  ];
}

function aiConfig(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const typed = text(args[0] as Uint8Array);
  const config = ctx.server.config;
  const value = args[2];
  switch (keyword(args[1] as Uint8Array)) {
    case "LOADBACKEND": {
      if (args.length < 4) throw errors.arity(typed);
      const name = keyword(args[2] as Uint8Array);
      if (!BACKEND_NAMES.some((b) => b === name)) throw new CommandError("ERR unsupported backend");
      const loaded = aiEngine(ctx.server).loadedBackends;
      // Only ONNX is built in; loading it twice fails as RedisAI's "already loaded" does.
      if (name !== "ONNX" || loaded.has(name)) throw new CommandError("ERR error loading backend");
      loaded.add(name);
      return OK;
    }
    case "BACKENDSPATH":
      if (value === undefined) throw new CommandError("ERR BACKENDSPATH: missing path argument");
      config.backendspath = text(value);
      return OK;
    case "MODEL_CHUNK_SIZE": {
      if (value === undefined) throw new CommandError("ERR MODEL_CHUNK_SIZE: missing chunk size");
      const bytes = parseIntOrUndefined(value);
      if (bytes === undefined || bytes <= 0) {
        throw new CommandError("ERR MODEL_CHUNK_SIZE: invalid chunk size");
      }
      config["model-chunk-size"] = bytes;
      return OK;
    }
    case "GET": {
      if (value === undefined) throw errors.arity(typed);
      const name = keyword(value);
      if (name === "BACKENDSPATH") return config.backendspath;
      if (name === "MODEL_CHUNK_SIZE") return config["model-chunk-size"];
      return null;
    }
    default:
      throw new CommandError("ERR unsupported subcommand");
  }
}

const row = { group: "module", since: "1.2.5" } as const;

export const aiCommands = [
  command({
    ...row,
    name: "ai.info",
    arity: -2,
    flags: ["readonly", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Returns a model's or script's run statistics, or resets them.",
    arguments: "key [RESETSTAT]",
    handler: aiInfo,
  }),
  command({
    ...row,
    name: "ai.config",
    arity: -2,
    flags: ["write", "module"],
    summary: "Reads or changes RedisAI settings (BACKENDSPATH, LOADBACKEND, MODEL_CHUNK_SIZE).",
    arguments: "<LOADBACKEND backend path | BACKENDSPATH path | MODEL_CHUNK_SIZE bytes | GET name>",
    handler: aiConfig,
  }),
];

function cpuSeconds(us: number): string {
  return (us / 1e6).toFixed(6);
}

const VERSION = [
  Math.floor(AI_MODULE_VERSION / 10000),
  Math.floor(AI_MODULE_VERSION / 100) % 100,
  AI_MODULE_VERSION % 100,
].join(".");

/** Registers RedisAI's INFO MODULES sections (`ai_versions` ... `ai_cpu`) on `server`. */
export function registerAiInfo(server: ServerState): void {
  const engine = aiEngine(server);
  const config = server.config;
  server.infoSections.set("ai_versions", () => [
    ["ai_RedisAI_version", VERSION],
    ["ai_low_level_API_version", 1],
    ["ai_rdb_version", 4],
  ]);
  server.infoSections.set("ai_git", () => [["ai_git_sha", "inferdb"]]);
  server.infoSections.set("ai_load_time_configs", () => [
    ["ai_threads_per_queue", config["threads-per-queue"]],
    ["ai_inter_op_parallelism", config["inter-op-parallelism"]],
    ["ai_intra_op_parallelism", config["intra-op-parallelism"]],
    ["ai_model_execution_timeout", config["model-execution-timeout"]],
    ["ai_backend_memory_limit", 0],
  ]);
  server.infoSections.set("ai_backends_info", () => {
    if (!engine.loadedBackends.has("ONNX")) return [];
    const queues = engine.queues();
    return [
      ["ai_onnxruntime_version", engine.onnxVersion],
      ["ai_onnxruntime_memory", 0],
      ["ai_onnxruntime_memory_access_num", 0],
      ["ai_onnxruntime_maximum_run_sessions_number", queues.reduce((n, q) => n + q.threads, 0)],
      ["ai_onnx_provider", config["onnx-provider"]],
    ];
  });
  server.infoSections.set("ai_cpu", () => {
    const usage = process.cpuUsage();
    const fields: [string, string | number][] = [
      ["ai_self_used_cpu_sys", cpuSeconds(usage.system)],
      ["ai_self_used_cpu_user", cpuSeconds(usage.user)],
      ["ai_children_used_cpu_sys", cpuSeconds(0)],
      ["ai_children_used_cpu_user", cpuSeconds(0)],
      ["ai_main_thread_used_cpu_sys", cpuSeconds(usage.system)],
      ["ai_main_thread_used_cpu_user", cpuSeconds(usage.user)],
    ];
    const queues = engine.queues();
    // RedisAI prints each worker thread's CPU time; a run's wall time on its slot stands in.
    // Its CPU queue exists from load; ours starts with the first model, so until then its
    // threads show as idle.
    const threadTimes = (device: string, busyUs: readonly number[]) =>
      busyUs.forEach((us, i) => {
        fields.push([`ai_queue_${device}_bthread_n${i + 1}_used_cpu_total`, cpuSeconds(us)]);
      });
    if (!queues.some((q) => q.device === "CPU")) {
      threadTimes("CPU", Array.from({ length: config["threads-per-queue"] }, () => 0));
    }
    for (const q of queues) {
      threadTimes(q.device, q.busyUs);
      fields.push(
        [`ai_queue_${q.device}_provider`, q.provider],
        [`ai_queue_${q.device}_threads`, q.threads],
        [`ai_queue_${q.device}_queued`, q.queued],
        [`ai_queue_${q.device}_running`, q.running],
      );
    }
    return fields;
  });
}
