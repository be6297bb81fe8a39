/**
 * Configuration as data: every parameter has a Redis-style name (used by flags, CONFIG GET/SET
 * and the environment as `INFERDB_<NAME>`), a kind, a default, bounds and help text.
 * `parseConfig` turns argv + env into one typed `Config`; `--help` prints the table.
 */
import { CommandError } from "./errors.ts";
import { parseSavePoints } from "./persist/save_points.ts";

type Kind = "int" | "bytes" | "string" | "bool" | "enum";

interface ParamSpec {
  readonly kind: Kind;
  readonly default: number | string | boolean;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** Only settable at start-up (CONFIG SET refuses it). */
  readonly immutable?: boolean;
  /**
   * CONFIG SET refuses it unless `enable-protected-configs` allows the client (Redis 7's
   * protected configs: where files are written must not be a remote client's choice).
   */
  readonly protected?: boolean;
  /** A string parameter's own validation: the reason it refuses `raw`, if it does. */
  readonly check?: (raw: string) => string | undefined;
}

const MIB = 1024 * 1024;

export const PARAMS = {
  "port": {
    kind: "int",
    default: 6379,
    min: 0,
    max: 65535,
    immutable: true,
    help: "RESP TCP port",
  },
  "bind": { kind: "string", default: "127.0.0.1", immutable: true, help: "address to listen on" },
  "http-port": {
    kind: "int",
    default: 8080,
    min: 0,
    max: 65535,
    immutable: true,
    help: "HTTP port (0 disables)",
  },
  "requirepass": { kind: "string", default: "", help: "password for AUTH (empty: none)" },
  "dir": {
    kind: "string",
    default: "./data",
    protected: true,
    help: "data directory for snapshots and logs",
  },
  "dbfilename": {
    kind: "string",
    default: "dump.idb",
    protected: true,
    help: "snapshot file name in dir",
  },
  "enable-protected-configs": {
    kind: "enum",
    default: "no",
    choices: ["no", "yes", "local"],
    immutable: true,
    help: "who may CONFIG SET dir and dbfilename: nobody, anyone, or loopback clients",
  },
  "save": {
    kind: "string",
    default: "3600 1 300 100 60 10000",
    help: 'snapshot after <seconds> <changes> pairs ("" disables)',
    check: (raw) => parseSavePoints(raw) === undefined ? "Invalid save parameters" : undefined,
  },
  "appendonly": { kind: "bool", default: false, help: "log every write to the append-only file" },
  "appendfilename": {
    kind: "string",
    default: "appendonly.aof",
    immutable: true,
    help: "append-only file name in dir",
  },
  "appendfsync": {
    kind: "enum",
    default: "everysec",
    choices: ["always", "everysec", "no"],
    help: "fsync the append-only file before each reply, once a second, or never",
  },
  "aof-load-truncated": {
    kind: "bool",
    default: true,
    help: "load an append-only file whose last write was cut short, dropping it",
  },
  "start-empty-on-corrupt": {
    kind: "bool",
    default: false,
    help: "move a corrupt data file aside and start empty instead of refusing to start",
  },
  "loglevel": {
    kind: "enum",
    default: "notice",
    choices: ["debug", "verbose", "notice", "warning"],
    help: "log verbosity",
  },
  "databases": {
    kind: "int",
    default: 16,
    min: 1,
    max: 1024,
    immutable: true,
    help: "number of databases",
  },
  "maxclients": { kind: "int", default: 10000, min: 1, max: 1_000_000, help: "connection limit" },
  "maxmemory": { kind: "bytes", default: 0, min: 0, help: "memory limit for data (0: none)" },
  "timeout": {
    kind: "int",
    default: 0,
    min: 0,
    max: 2147483647,
    help: "close idle clients after N seconds (0: never)",
  },
  "proto-max-bulk-len": {
    kind: "bytes",
    default: 512 * MIB,
    min: 1024 * 1024,
    help: "largest bulk string a client may send",
  },
  "client-query-buffer-limit": {
    kind: "bytes",
    default: 1024 * MIB,
    min: 1024 * 1024,
    help: "largest pending request per client",
  },
  "client-output-buffer-limit-bytes": {
    kind: "bytes",
    default: 256 * MIB,
    min: 1024 * 1024,
    help: "close a client whose unsent replies exceed this",
  },
  "slowlog-log-slower-than": {
    kind: "int",
    default: 10000,
    min: -1,
    help: "slowlog threshold in µs",
  },
  "slowlog-max-len": { kind: "int", default: 128, min: 0, help: "slowlog entries kept" },
  "lua-time-limit": {
    kind: "int",
    default: 5000,
    min: 0,
    help: "accepted for client compatibility (SmartRedis sets it); there is no Lua",
  },
  "tensor-max-bytes": {
    kind: "bytes",
    default: 512 * MIB,
    min: 1,
    help: "largest tensor accepted",
  },
  "tensor-max-rank": {
    kind: "int",
    default: 32,
    min: 1,
    max: 1024,
    help: "most dimensions a tensor may have",
  },
  "dag-max-ops": {
    kind: "int",
    default: 1024,
    min: 1,
    max: 1_000_000,
    help: "most ops one AI.DAGEXECUTE may chain",
  },
  "dag-max-tensor-bytes": {
    kind: "bytes",
    default: 1024 * MIB,
    min: 1,
    help: "most bytes of tensors one DAG may create (TENSORSETs and op outputs)",
  },
  "script-max-steps": {
    kind: "int",
    default: 100_000_000,
    min: 1000,
    help: "statements, loop iterations and calls one script run may take",
  },
  "script-max-memory": {
    kind: "bytes",
    default: 1024 * MIB,
    min: MIB,
    help: "bytes one script run may allocate in all (tensors, lists, strings)",
  },
  "threads-per-queue": {
    kind: "int",
    default: 1,
    min: 1,
    max: 64,
    immutable: true,
    help: "runs one device queue serves at once (RedisAI's THREADS_PER_QUEUE)",
  },
  "intra-op-parallelism": {
    kind: "int",
    default: 0,
    min: 0,
    max: 1024,
    help: "threads per model run, for models stored later (0: the cores left per queue thread)",
  },
  "inter-op-parallelism": {
    kind: "int",
    default: 0,
    min: 0,
    max: 1024,
    help: "threads running independent graph nodes, for models stored later (0: default)",
  },
  "model-execution-timeout": {
    kind: "int",
    default: 5000,
    min: 0,
    help: "stop a model run after this many ms (RedisAI's MODEL_EXECUTION_TIMEOUT; 0: never)",
  },
  "model-chunk-size": {
    kind: "bytes",
    default: 535822336,
    min: 1,
    help: "AI.MODELGET returns blobs this long or longer in chunks of this size",
  },
  "backendspath": {
    kind: "string",
    default: "backends",
    help: "AI.CONFIG BACKENDSPATH (kept for clients; backends are built in)",
  },
  "onnx-provider": {
    kind: "enum",
    default: "auto",
    choices: [
      "auto",
      "onnxruntime-node",
      "onnxruntime-web",
      "onnxruntime-web-webgpu",
      "inferdb-webgpu",
    ],
    help: "ONNX runtime for CPU devices (auto: native where it loads, else WASM)",
  },
  "onnxruntime-lib": {
    kind: "string",
    default: "",
    immutable: true,
    help: "libonnxruntime for the native provider (empty: onnxruntime-node's)",
  },
  "gpu-memory-max": {
    kind: "bytes",
    default: 0,
    min: 0,
    immutable: true,
    help: "cap on GPU buffer memory per GPU worker (0: the device's own limit)",
  },
  "gpu-fallback": {
    kind: "enum",
    default: "error",
    choices: ["error", "cpu"],
    immutable: true,
    help: "ONNX models on GPU that no GPU path can run: fail (error) or run on the CPU (cpu)",
  },
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof PARAMS;

type ValueOf<S extends ParamSpec> = S["kind"] extends "int" | "bytes" ? number
  : S["kind"] extends "bool" ? boolean
  : string;

export type Config = { -readonly [K in ParamName]: ValueOf<(typeof PARAMS)[K]> };

/** A Config holding every default. */
export function defaultConfig(): Config {
  const out: Record<string, number | string | boolean> = {};
  for (const [name, spec] of Object.entries(PARAMS)) out[name] = spec.default;
  return out as Config;
}

/** Parses `100`, `10kb`, `64mb`, `1gb` (Redis's memory units). */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (m === null) return undefined;
  const unit = (m[2] ?? "b").toLowerCase();
  const scale: Record<string, number> = {
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1e6,
    mb: MIB,
    g: 1e9,
    gb: 1024 * MIB,
  };
  return Number(m[1]) * (scale[unit] ?? 1);
}

/**
 * Where a value comes from: start-up (flags, environment) or CONFIG SET from a client on a
 * loopback address or from elsewhere.
 */
export type ParamSource = "startup" | "local" | "remote";

/** Validates and stores one parameter; the error text is Redis's CONFIG SET wording. */
export function setParam(config: Config, name: string, raw: string, source: ParamSource): void {
  const spec: ParamSpec | undefined = (PARAMS as Record<string, ParamSpec>)[name];
  if (spec === undefined) {
    throw new CommandError(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
  }
  const invalid = (why: string) =>
    new CommandError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
  if (source !== "startup") {
    if (spec.immutable) throw invalid("can't set immutable config");
    const allowed = config["enable-protected-configs"];
    if (spec.protected && allowed !== "yes" && !(allowed === "local" && source === "local")) {
      throw invalid("can't set protected config");
    }
  }
  let value: number | string | boolean;
  switch (spec.kind) {
    case "int":
    case "bytes": {
      const n = spec.kind === "int"
        ? (/^-?\d+$/.test(raw) ? Number(raw) : undefined)
        : parseBytes(raw);
      if (n === undefined || !Number.isSafeInteger(n)) {
        throw invalid(
          spec.kind === "int"
            ? "argument couldn't be parsed into an integer"
            : "argument must be a memory value",
        );
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw invalid(
          "argument must be between " + (spec.min ?? 0) + " and " +
            (spec.max ?? "9223372036854775807") + " inclusive",
        );
      }
      value = n;
      break;
    }
    case "bool":
      if (!/^(yes|no)$/i.test(raw)) throw invalid("argument must be 'yes' or 'no'");
      value = raw.toLowerCase() === "yes";
      break;
    case "enum":
      if (!spec.choices?.includes(raw.toLowerCase())) {
        throw invalid("argument(s) must be one of the following: " + spec.choices?.join(", "));
      }
      value = raw.toLowerCase();
      break;
    case "string": {
      const why = spec.check?.(raw);
      if (why !== undefined) throw invalid(why);
      value = raw;
      break;
    }
  }
  (config as Record<string, number | string | boolean>)[name] = value;
}

/** The CONFIG GET rendering of a parameter. */
export function formatParam(config: Config, name: ParamName): string {
  const value = config[name];
  return typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
}

/** Builds the Config from `--name value` flags and `INFERDB_NAME` env vars (flags win). */
export function parseConfig(
  argv: readonly string[],
  env: (name: string) => string | undefined,
): Config {
  const config = defaultConfig();
  for (const name of Object.keys(PARAMS)) {
    const value = env(`INFERDB_${name.toUpperCase().replaceAll("-", "_")}`);
    if (value !== undefined) setParam(config, name, value, "startup");
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      throw new CommandError(`ERR unexpected argument '${arg}' (try --help)`);
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new CommandError(`ERR missing value for --${name}`);
    setParam(config, name, value, "startup");
  }
  return config;
}

/** The `--help` text: usage and one line per parameter. */
export function helpText(): string {
  const lines = [
    "inferdb: an inference database that speaks RESP (RedisAI) and HTTP",
    "",
    "usage: inferdb [--name value ...]   (or INFERDB_NAME=value in the environment)",
    "",
  ];
  for (const [name, spec] of Object.entries(PARAMS)) {
    const spec2: ParamSpec = spec;
    lines.push(`  --${name.padEnd(34)} ${spec2.help} (default: ${String(spec2.default) || '""'})`);
  }
  return lines.join("\n");
}
