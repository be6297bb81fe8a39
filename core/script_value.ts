/**
 * The value of a `script` keyspace entry (TYPE `AI_SCRIPT`): the device as given, the tag,
 * the source exactly as received (AI.SCRIPTGET returns it byte for byte), the entry points and
 * the compiled form. `createScript` compiles and validates, with TorchScript-style compile
 * errors and RedisAI's entry-point texts; persistence uses it to load scripts back.
 *
 * Invariant: a ScriptValue is immutable but for its stats; `id` is unique in the process, so workers can cache
 * compiled scripts by it.
 */
import {
  checkEntryPoints,
  CompiledScript,
  compileScript,
  ScriptCompileError,
} from "../backends/script/compile.ts";
import { CommandError } from "./errors.ts";
import { newRunStats, RunStats } from "./run_stats.ts";

export interface ScriptValue {
  readonly id: number;
  /** The device string exactly as stored (`cpu`, `GPU:0`); queues use it upper-cased. */
  readonly device: string;
  /** Binary-safe tag (`core/keys.ts` byte string); "" when none. */
  readonly tag: string;
  readonly source: Uint8Array;
  /** Empty for scripts stored with AI.SCRIPTSET (every function is then called positionally). */
  readonly entryPoints: readonly string[];
  readonly compiled: CompiledScript;
  /** AI.INFO counters (fresh on every store). */
  readonly stats: RunStats;
}

let nextId = 1;

const decoder = new TextDecoder();

/** Compiles `source` and checks `entryPoints`; throws a CommandError with the client text. */
export function createScript(options: {
  device: string;
  tag: string;
  source: Uint8Array;
  entryPoints: readonly string[];
}): ScriptValue {
  try {
    const compiled = compileScript(decoder.decode(options.source));
    checkEntryPoints(compiled, options.entryPoints);
    return { id: nextId++, ...options, compiled, stats: newRunStats() };
  } catch (e) {
    if (e instanceof ScriptCompileError) throw new CommandError(e.message);
    throw e;
  }
}

/** Bytes a script entry is charged: its source (twice: text and tree) and fixed overhead. */
export function scriptEntryBytes(value: ScriptValue): number {
  return 256 + value.source.byteLength * 3 + value.tag.length + value.device.length +
    value.entryPoints.reduce((n, e) => n + e.length + 16, 0);
}
