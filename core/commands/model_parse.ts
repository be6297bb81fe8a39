/**
 * Argument parsing for the model commands, check by check in RedisAI's order with its texts
 * (`REDISAI_PROTOCOL.md` §1.3, §1.4, §1.7, §1.8): AI.MODELSTORE, the deprecated AI.MODELSET,
 * AI.MODELEXECUTE and the deprecated AI.MODELRUN. Parsers only read arguments; loading models
 * and tensors is the handlers' business.
 */
import { parseIntOrUndefined } from "../args.ts";
import { CommandError, errors } from "../errors.ts";
import { bytesToKey, keyword, text } from "../keys.ts";
import { BACKEND_NAMES, BackendName, ModelOptions } from "../model_value.ts";

export interface ModelStoreArgs {
  readonly key: string;
  readonly options: ModelOptions;
  /** TF only: the graph's input and output node names. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly chunks: readonly Uint8Array[];
}

export interface ModelRunArgs {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** TIMEOUT in ms; 0 when not given. */
  readonly timeoutMs: number;
}

const err = (text: string) => new CommandError(text);
const MISSING_BLOB = "ERR Insufficient arguments, missing model BLOB";

function parseBackend(arg: Uint8Array): BackendName {
  const name = keyword(arg);
  const backend = BACKEND_NAMES.find((b) => b === name);
  if (backend === undefined) throw err("ERR unsupported backend");
  return backend;
}

/** A u64 argument, or `undefined`. */
function unsigned(arg: Uint8Array | undefined): number | undefined {
  const n = arg === undefined ? undefined : parseIntOrUndefined(arg);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** `<count> <name>...` at `at` (TF's INPUTS/OUTPUTS lists): the names and the next index. */
function countedNames(
  args: readonly Uint8Array[],
  at: number,
  what: "input" | "output",
): [string[], number] {
  const count = unsigned(args[at]);
  if (count === undefined || count === 0) throw err(`ERR Invalid argument for ${what}_count`);
  if (args.length - (at + 1) < count) {
    throw err(`ERR number of model ${what}s does not match the number of given arguments`);
  }
  return [args.slice(at + 1, at + 1 + count).map(text), at + 1 + count];
}

/** AI.MODELSTORE key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT t]]]
 *  [INPUTS n ... OUTPUTS m ...] BLOB chunk... */
export function parseModelStore(args: readonly Uint8Array[]): ModelStoreArgs {
  if (args.length < 6) throw errors.arity(text(args[0] as Uint8Array));
  const backend = parseBackend(args[2] as Uint8Array);
  const device = text(args[3] as Uint8Array);
  if (!/^(CPU|GPU)(:\d*)?$/i.test(device) || device.length >= 10) throw err("ERR Invalid DEVICE");
  let i = 4;
  let tag = "";
  if (i < args.length && keyword(args[i] as Uint8Array) === "TAG") {
    if (i + 1 >= args.length) throw err(MISSING_BLOB);
    tag = bytesToKey(args[i + 1] as Uint8Array);
    i += 2;
  }
  const batch = { batchSize: 0, minBatchSize: 0, minBatchTimeoutMs: 0 };
  const option = (name: string, field: keyof typeof batch): void => {
    if (i >= args.length || keyword(args[i] as Uint8Array) !== name) return;
    const value = unsigned(args[i + 1]);
    if (value === undefined) throw err(`ERR Invalid argument for ${name}`);
    batch[field] = value;
    i += 2;
  };
  option("BATCHSIZE", "batchSize");
  option("MINBATCHSIZE", "minBatchSize");
  if (batch.minBatchSize > 0 && batch.batchSize === 0) {
    throw err("ERR MINBATCHSIZE specified without BATCHSIZE");
  }
  option("MINBATCHTIMEOUT", "minBatchTimeoutMs");
  if (batch.minBatchTimeoutMs > 0 && batch.minBatchSize === 0) {
    throw err("ERR MINBATCHTIMEOUT specified without MINBATCHSIZE");
  }
  if (i >= args.length) throw err(MISSING_BLOB);
  let inputs: string[] = [];
  let outputs: string[] = [];
  let token = keyword(args[i] as Uint8Array);
  if (backend === "TF") {
    if (token !== "INPUTS") throw err("ERR INPUTS not specified for TF");
    [inputs, i] = countedNames(args, i + 1, "input");
    if (i >= args.length || keyword(args[i] as Uint8Array) !== "OUTPUTS") {
      throw err("ERR OUTPUTS not specified for TF");
    }
    [outputs, i] = countedNames(args, i + 1, "output");
    token = i < args.length ? keyword(args[i] as Uint8Array) : "";
  } else if (token === "INPUTS") {
    throw err("ERR INPUTS argument should not be specified for this backend");
  }
  if (token !== "BLOB") throw err("ERR Invalid argument, expected BLOB");
  if (i + 1 >= args.length) throw err(MISSING_BLOB);
  return {
    key: bytesToKey(args[1] as Uint8Array),
    options: { backend, device, tag, ...batch },
    inputs,
    outputs,
    chunks: args.slice(i + 1),
  };
}

const MODELSET_KEYWORDS = new Set([
  "INPUTS",
  "OUTPUTS",
  "TAG",
  "BATCHSIZE",
  "MINBATCHSIZE",
  "MINBATCHTIMEOUT",
  "BLOB",
]);

/** The deprecated AI.MODELSET key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m
 *  [MINBATCHTIMEOUT t]]] [INPUTS name... OUTPUTS name...] BLOB chunk... */
export function parseModelSet(args: readonly Uint8Array[]): ModelStoreArgs {
  if (args.length < 4) throw errors.arity(text(args[0] as Uint8Array));
  const backend = parseBackend(args[2] as Uint8Array);
  const device = text(args[3] as Uint8Array);
  if (device.length > 10 || MODELSET_KEYWORDS.has(device.toUpperCase())) {
    throw err("ERR Invalid DEVICE");
  }
  let i = 4;
  const next = (name: string): boolean => {
    if (i >= args.length || keyword(args[i] as Uint8Array) !== name) return false;
    i++;
    return true;
  };
  const number = (name: string): number => {
    const value = unsigned(args[i]);
    if (value === undefined) throw err(`ERR Invalid argument for ${name}`);
    i++;
    return value;
  };
  let tag = "";
  if (next("TAG") && i < args.length) tag = bytesToKey(args[i++] as Uint8Array);
  const batch = { batchSize: 0, minBatchSize: 0, minBatchTimeoutMs: 0 };
  if (next("BATCHSIZE")) {
    if (backend === "TFLITE") throw err("ERR Auto-batching not supported by the TFLITE backend");
    batch.batchSize = number("BATCHSIZE");
  }
  if (next("MINBATCHSIZE")) {
    if (batch.batchSize === 0) throw err("ERR MINBATCHSIZE specified without BATCHSIZE");
    batch.minBatchSize = number("MINBATCHSIZE");
  }
  if (next("MINBATCHTIMEOUT")) {
    if (batch.batchSize === 0) throw err("ERR MINBATCHTIMEOUT specified without BATCHSIZE");
    if (batch.minBatchSize === 0) throw err("ERR MINBATCHTIMEOUT specified without MINBATCHSIZE");
    batch.minBatchTimeoutMs = number("MINBATCHTIMEOUT");
  }
  if (i >= args.length) throw err(MISSING_BLOB);
  const section: string[] = [];
  while (i < args.length && keyword(args[i] as Uint8Array) !== "BLOB") {
    section.push(text(args[i++] as Uint8Array));
  }
  const [inputs, outputs] = backend === "TF" ? tfNames(section) : [[], []];
  if (!next("BLOB") || i >= args.length) throw err(MISSING_BLOB);
  return {
    key: bytesToKey(args[1] as Uint8Array),
    options: { backend, device, tag, ...batch },
    inputs,
    outputs,
    chunks: args.slice(i),
  };
}

/** MODELSET's TF section: `INPUTS name... OUTPUTS name...` without counts. */
function tfNames(section: readonly string[]): [string[], string[]] {
  if (section.length === 0) {
    throw err("ERR Insufficient arguments, INPUTS and OUTPUTS not specified");
  }
  if (section[0]?.toUpperCase() !== "INPUTS") throw err("ERR INPUTS not specified");
  const at = section.findIndex((s) => s.toUpperCase() === "OUTPUTS");
  if (at < 0) throw err("ERR OUTPUTS not specified");
  return [section.slice(1, at), section.slice(at + 1)];
}

export const MODELEXECUTE_ARITY_ERROR =
  "ERR wrong number of arguments for 'AI.MODELEXECUTE' command";

/** The model's input and output counts, which MODELEXECUTE checks the lists against. */
export interface ModelArity {
  readonly inputs: readonly unknown[];
  readonly outputs: readonly unknown[];
}

/** AI.MODELEXECUTE key INPUTS n in... OUTPUTS m out... [TIMEOUT ms], after the model lookup. */
export function parseModelExecute(args: readonly Uint8Array[], model: ModelArity): ModelRunArgs {
  if (keyword(args[2] as Uint8Array) !== "INPUTS") throw err("ERR INPUTS not specified");
  const [inputs, afterInputs] = keyList(args, 3, "input", model.inputs.length);
  if (afterInputs >= args.length || keyword(args[afterInputs] as Uint8Array) !== "OUTPUTS") {
    throw err("ERR OUTPUTS not specified");
  }
  const [outputs, i] = keyList(args, afterInputs + 1, "output", model.outputs.length);
  let timeoutMs = 0;
  if (i < args.length) {
    const token = args[i] as Uint8Array;
    if (keyword(token) !== "TIMEOUT") throw err(`Invalid argument: ${text(token)}`);
    timeoutMs = parseTimeout(args[i + 1]);
    const extra = args[i + 2];
    if (extra !== undefined) throw err(`Invalid argument: ${text(extra)}`);
  }
  return { inputs, outputs, timeoutMs };
}

/** MODELEXECUTE's `<n> key...` list at `at`: the keys and the index after them. */
function keyList(
  args: readonly Uint8Array[],
  at: number,
  what: "input" | "output",
  expected: number,
): [string[], number] {
  const raw = args[at];
  const count = raw === undefined ? undefined : parseIntOrUndefined(raw);
  if (count === undefined) throw err(`ERR Invalid argument for ${what}_count`);
  if (count <= 0) {
    throw err(`ERR ${what === "input" ? "Input" : "Output"} count must be a positive integer`);
  }
  if (count !== expected) {
    throw err(
      `Number of keys given as ${what.toUpperCase()}S here does not match model definition`,
    );
  }
  if (args.length - (at + 1) < count) {
    throw err(
      `ERR number of ${what} keys to AI.MODELEXECUTE command does not match the number of given arguments`,
    );
  }
  return [args.slice(at + 1, at + 1 + count).map(bytesToKey), at + 1 + count];
}

/** A TIMEOUT value: a positive integer of milliseconds. */
export function parseTimeout(arg: Uint8Array | undefined): number {
  if (arg === undefined) throw err("ERR No value provided for TIMEOUT");
  const ms = parseIntOrUndefined(arg);
  if (ms === undefined || ms <= 0) throw err("ERR Invalid value for TIMEOUT");
  return ms;
}

/** The deprecated AI.MODELRUN key [TIMEOUT t] INPUTS in... OUTPUTS out..., after the lookup. */
export function parseModelRun(args: readonly Uint8Array[], model: ModelArity): ModelRunArgs {
  let i = 2;
  let timeoutMs = 0;
  if (keyword(args[i] as Uint8Array) === "TIMEOUT") {
    const ms = unsigned(args[i + 1]);
    if (ms === undefined || ms === 0) throw err("ERR Invalid value for TIMEOUT");
    timeoutMs = ms;
    i += 2;
  }
  if (i >= args.length || keyword(args[i] as Uint8Array) !== "INPUTS") {
    throw err("ERR INPUTS not specified");
  }
  const rest = args.slice(i + 1);
  const split = rest.findIndex((a) => keyword(a) === "OUTPUTS");
  const inputs = (split < 0 ? rest : rest.slice(0, split)).map(bytesToKey);
  const outputs = split < 0 ? [] : rest.slice(split + 1).map(bytesToKey);
  if (inputs.length !== model.inputs.length) {
    throw err("Number of keys given as INPUTS here does not match model definition");
  }
  if (outputs.length !== model.outputs.length) {
    throw err("Number of keys given as OUTPUTS here does not match model definition");
  }
  return { inputs, outputs, timeoutMs };
}
