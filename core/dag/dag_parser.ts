/**
 * Parses AI.DAGEXECUTE[_RO] and deprecated AI.DAGRUN[_RO] arguments as RedisAI's
 * `DAGInitialParsing` and `ParseDAG(Execute|Run)Ops` do: first the header (LOAD, PERSIST,
 * ROUTING, TIMEOUT, each at most once, only before the first `|>`; LOAD reads its tensors at
 * once), then the ops split at `|>`, each parsed by the stand-alone command's parser. The
 * first error is the whole reply; nothing runs before the request has parsed completely.
 *
 * Limits: at most `opsMax` ops, counted while splitting, and TENSORSET data within
 * `tensorBytesMax` in total, checked before each tensor is allocated. Scanning for `|>` and
 * keywords looks at lengths first, so big BLOB arguments are never decoded.
 */
import { bytesToKey, keyword, text } from "../keys.ts";
import type { Tensor } from "../tensor.ts";
import { parseTensorSet, TensorLimits } from "../tensor_parse.ts";
import { parseTensorGetFormat } from "../tensor_reply.ts";
import { parseLongLong } from "../tensor_values.ts";
import { dagErrors } from "./dag_errors.ts";
import type { ComputeOp, ParsedDag, ParsedOp } from "./dag_plan.ts";

/** `execute`: AI.DAGEXECUTE[_RO] with new-style ops; `run`: AI.DAGRUN[_RO] with old ones. */
export type DagForm = "execute" | "run";

/** Parses a model or script op (`args[0]` is the op's name) into a bound compute op. */
export type ComputeOpParser = (args: readonly Uint8Array[]) => ComputeOp;

export interface DagLimits {
  readonly opsMax: number;
  /** Total bytes of tensors the DAG creates (TENSORSETs and op outputs). */
  readonly tensorBytesMax: number;
  readonly tensor: TensorLimits;
}

export interface DagParseOptions {
  readonly form: DagForm;
  readonly readOnly: boolean;
  /** Reads a LOAD key from the keyspace; throws RedisAI's error when it is not a tensor. */
  readonly load: (key: string) => Tensor;
  /** AI.MODELEXECUTE in the `execute` form, AI.MODELRUN in the `run` form. */
  readonly model: ComputeOpParser;
  /** AI.SCRIPTEXECUTE in the `execute` form, AI.SCRIPTRUN in the `run` form. */
  readonly script: ComputeOpParser;
  readonly limits: DagLimits;
}

/** Longest token shown in an "Unexpected argument" error. */
const TOKEN_SHOWN_BYTES_MAX = 1024;

/** The command's name as RedisAI's errors spell it. */
export function dagCommandName(form: DagForm, readOnly: boolean): string {
  return (form === "execute" ? "AI.DAGEXECUTE" : "AI.DAGRUN") + (readOnly ? "_RO" : "");
}

/** Parses a whole DAG command (`args[0]` is the command name). */
export function parseDag(args: readonly Uint8Array[], options: DagParseOptions): ParsedDag {
  const name = dagCommandName(options.form, options.readOnly);
  if (options.form === "execute" && args.length < 6) throw dagErrors.missingArguments(name);
  if (options.form === "run" && args.length < 4) throw dagErrors.arity(name);
  const header = parseHeader(args, options);
  const budget = { usedBytes: 0 };
  const ops = header.opArgs.map((op) => parseOp(op, options, budget));
  return { loads: header.loads, persist: header.persist, timeoutMs: header.timeoutMs, ops };
}

interface Header {
  readonly loads: { name: string; tensor: Tensor }[];
  readonly persist: string[];
  readonly timeoutMs: number;
  readonly opArgs: (readonly Uint8Array[])[];
}

function parseHeader(args: readonly Uint8Array[], options: DagParseOptions): Header {
  let loads: { name: string; tensor: Tensor }[] | undefined;
  let persist: string[] | undefined;
  let routing = false;
  let timeoutMs: number | undefined;
  const opArgs: (readonly Uint8Array[])[] = [];
  let pos = 1;
  while (pos < args.length) {
    const arg = args[pos] as Uint8Array;
    const word = headerKeyword(arg);
    if (word === "LOAD" && loads === undefined) {
      loads = parseLoad(args, pos, options.load);
      pos += loads.length + 2;
    } else if (word === "PERSIST" && persist === undefined) {
      if (options.readOnly) throw dagErrors.persistReadOnly();
      persist = parsePersist(args, pos);
      pos += persist.length + 2;
    } else if (word === "ROUTING" && !routing) {
      // One shard owns every slot, so the routing key needs no check beyond its presence.
      if (pos + 1 >= args.length) throw dagErrors.routingMissing();
      routing = true;
      pos += 2;
    } else if (word === "TIMEOUT" && timeoutMs === undefined) {
      timeoutMs = parseTimeout(args, pos);
      pos += 2;
    } else if (isChain(arg) && pos < args.length - 1) {
      if (opArgs.length >= options.limits.opsMax) throw dagErrors.opsLimit(options.limits.opsMax);
      let end = pos + 1;
      while (end < args.length && !isChain(args[end] as Uint8Array)) end++;
      opArgs.push(args.slice(pos + 1, end));
      pos = end;
    } else {
      throw dagErrors.unexpected(text(arg.subarray(0, TOKEN_SHOWN_BYTES_MAX)));
    }
  }
  if (options.form === "execute" && loads === undefined && persist === undefined && !routing) {
    throw dagErrors.keywordRequired();
  }
  if (opArgs.length === 0) throw dagErrors.empty();
  return { loads: loads ?? [], persist: persist ?? [], timeoutMs: timeoutMs ?? 0, opArgs };
}

/** `|>` (RedisAI compares it case-insensitively; it has no letters). */
function isChain(arg: Uint8Array): boolean {
  return arg.length === 2 && arg[0] === 0x7c && arg[1] === 0x3e;
}

function headerKeyword(arg: Uint8Array): string | undefined {
  return arg.length >= 4 && arg.length <= 7 ? keyword(arg) : undefined;
}

/** A key count: a strict integer > 0, else `undefined`. */
function parseCount(arg: Uint8Array): number | undefined {
  const n = parseLongLong(arg);
  if (n === undefined || n <= 0) return undefined;
  return Number(n);
}

/** `LOAD n key...` at `pos`: each key is read as it is met, as RedisAI does. */
function parseLoad(
  args: readonly Uint8Array[],
  pos: number,
  load: (key: string) => Tensor,
): { name: string; tensor: Tensor }[] {
  if (args.length - pos < 3) throw dagErrors.loadMissing();
  const count = parseCount(args[pos + 1] as Uint8Array);
  if (count === undefined) throw dagErrors.loadCount();
  const loads: { name: string; tensor: Tensor }[] = [];
  for (let i = pos + 2; i < args.length && loads.length < count; i++) {
    const name = bytesToKey(args[i] as Uint8Array);
    loads.push({ name, tensor: load(name) });
  }
  if (loads.length !== count) throw dagErrors.loadMismatch();
  return loads;
}

/** `PERSIST n key...` at `pos`. */
function parsePersist(args: readonly Uint8Array[], pos: number): string[] {
  if (args.length - pos < 3) throw dagErrors.persistMissing();
  const count = parseCount(args[pos + 1] as Uint8Array);
  if (count === undefined) throw dagErrors.persistCount();
  const keys = new Set<string>();
  for (let i = pos + 2; i < args.length && keys.size < count; i++) {
    const key = bytesToKey(args[i] as Uint8Array);
    if (keys.has(key)) throw dagErrors.persistUnique();
    keys.add(key);
  }
  if (keys.size !== count) throw dagErrors.persistMismatch();
  return [...keys];
}

function parseTimeout(args: readonly Uint8Array[], pos: number): number {
  const value = args[pos + 1];
  if (value === undefined) throw dagErrors.timeoutMissing();
  const ms = parseLongLong(value);
  if (ms === undefined || ms <= 0) throw dagErrors.timeoutInvalid();
  return Number(ms);
}

/** Op names are short; anything longer is not one (and is not decoded). */
function opName(arg: Uint8Array | undefined): string | undefined {
  return arg !== undefined && arg.length <= 16 ? keyword(arg) : undefined;
}

function parseOp(
  op: readonly Uint8Array[],
  options: DagParseOptions,
  budget: { usedBytes: number },
): ParsedOp {
  const name = opName(op[0]);
  if (name === "AI.TENSORGET") {
    const format = parseTensorGetFormat(op);
    return { kind: "tensorget", input: bytesToKey(op[1] as Uint8Array), format };
  }
  if (name === "AI.TENSORSET") {
    const bytesMax = options.limits.tensorBytesMax;
    const tensor = parseTensorSet(op, {
      limits: options.limits.tensor,
      reserve: (dataBytes) => {
        if (budget.usedBytes + dataBytes > bytesMax) throw dagErrors.bytesLimit(bytesMax);
        budget.usedBytes += dataBytes;
      },
    });
    return { kind: "tensorset", output: bytesToKey(op[1] as Uint8Array), tensor };
  }
  const modern = options.form === "execute";
  if (name === (modern ? "AI.MODELEXECUTE" : "AI.MODELRUN")) return options.model(op);
  if (name === (modern ? "AI.SCRIPTEXECUTE" : "AI.SCRIPTRUN")) {
    if (modern && options.readOnly) throw dagErrors.scriptReadOnly();
    return options.script(op);
  }
  if (modern && (name === "AI.MODELRUN" || name === "AI.SCRIPTRUN")) {
    throw dagErrors.deprecatedOp(name);
  }
  if (!modern && (name === "AI.MODELEXECUTE" || name === "AI.SCRIPTEXECUTE")) {
    throw dagErrors.newOpInDagRun(name);
  }
  throw dagErrors.unsupportedOp();
}
