/**
 * Argument parsing for the script commands, in RedisAI's order of checks and with its texts:
 * AI.SCRIPTSTORE/AI.SCRIPTSET (`redisai.c`, `deprecated.c`), AI.SCRIPTEXECUTE
 * (`script_commands_parser.c`, also used for DAG ops) and the deprecated AI.SCRIPTRUN with its
 * `$` marker. Parsing reads the script entry (so "script key is empty" comes first, as in
 * RedisAI) but never loads input tensors: the caller does, from the keyspace or a DAG.
 */
import { parseIntOrUndefined } from "../args.ts";
import type { CommandContext } from "../command.ts";
import { CommandError } from "../errors.ts";
import { bytesToKey, keyword, text } from "../keys.ts";
import type { ScriptValue } from "../script_value.ts";
import { readTyped } from "./access.ts";

const err = (line: string) => new CommandError(line);

export const scriptErrors = {
  empty: () => new CommandError("ERR script key is empty", "not_found"),
  noFunction: () => err("ERR function name not specified"),
  missingSource: () => err("ERR Insufficient arguments, missing script SOURCE"),
  missingEntryPoints: () => err("ERR Insufficient arguments, missing script entry points"),
};

/** The stored script at `key`, read (a keyspace hit or miss counted), or RedisAI's error. */
export function loadScript(ctx: CommandContext, key: string): ScriptValue {
  return scriptOf(readTyped(ctx.db, key, "script"));
}

/** The script of a looked-up `entry`, or RedisAI's error when there is none. */
export function scriptOf(entry: { readonly value: ScriptValue } | undefined): ScriptValue {
  if (entry === undefined) throw scriptErrors.empty();
  return entry.value;
}

export interface StoreRequest {
  readonly key: string;
  readonly device: string;
  readonly tag: string;
  readonly entryPoints: readonly string[];
  readonly source: Uint8Array;
}

/** `AI.SCRIPTSTORE key device [TAG t] ENTRY_POINTS n fn... SOURCE src` (argc ≥ 8 checked). */
export function parseScriptStore(args: readonly Uint8Array[]): StoreRequest {
  let i = 3;
  let tag = "";
  if (args[i] !== undefined && keyword(args[i] as Uint8Array) === "TAG") {
    tag = bytesToKey(args[i + 1] ?? new Uint8Array());
    i += 2;
  }
  if (args[i] === undefined || keyword(args[i] as Uint8Array) !== "ENTRY_POINTS") {
    throw scriptErrors.missingEntryPoints();
  }
  const count = parseIntOrUndefined(args[i + 1] ?? new Uint8Array());
  if (count === undefined) {
    throw err("ERR Non numeric entry points number provided to AI.SCRIPTSTORE command");
  }
  i += 2;
  if (count < 0 || i + count > args.length) throw scriptErrors.missingEntryPoints();
  const entryPoints = args.slice(i, i + count).map(text);
  i += count;
  return {
    ...sourcePart(args, i),
    key: bytesToKey(args[1] as Uint8Array),
    tag,
    entryPoints,
    device: text(args[2] as Uint8Array),
  };
}

/** `AI.SCRIPTSET key device [TAG t] SOURCE src` (argc 5 or 7 checked). */
export function parseScriptSet(args: readonly Uint8Array[]): StoreRequest {
  let i = 3;
  let tag = "";
  if (keyword(args[i] as Uint8Array) === "TAG") {
    tag = bytesToKey(args[i + 1] as Uint8Array);
    i += 2;
  }
  return {
    ...sourcePart(args, i),
    key: bytesToKey(args[1] as Uint8Array),
    tag,
    entryPoints: [],
    device: text(args[2] as Uint8Array),
  };
}

function sourcePart(args: readonly Uint8Array[], i: number): { source: Uint8Array } {
  const word = args[i];
  const source = args[i + 1];
  if (word === undefined || keyword(word) !== "SOURCE" || source === undefined) {
    throw scriptErrors.missingSource();
  }
  return { source: source.slice() };
}

export interface RunRequest {
  readonly script: ScriptValue;
  readonly fn: string;
  /** KEYS and ARGS as byte strings. */
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** Input and output tensor names (keyspace keys, or DAG names). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** 0 when none was given. */
  readonly timeoutMs: number;
}

const FUNCTION_KEYWORDS = new Set(["TIMEOUT", "INPUTS", "OUTPUTS", "KEYS", "ARGS"]);

function functionName(arg: Uint8Array): string {
  const name = text(arg);
  if (FUNCTION_KEYWORDS.has(name.toUpperCase())) throw scriptErrors.noFunction();
  return name;
}

/** RedisAI's ParseTimeout: an integer > 0. */
function parseTimeout(arg: Uint8Array): number {
  const ms = parseIntOrUndefined(arg);
  if (ms === undefined || ms <= 0) throw err("ERR Invalid value for TIMEOUT");
  return ms;
}

type Scope = "KEYS" | "INPUTS" | "ARGS" | "OUTPUTS";

/** The check RedisAI runs on every KEYS block before reading it (`ValidateKeysArgs`). */
function validateKeys(args: readonly Uint8Array[], at: number): void {
  if (args.length - at < 3) throw err("ERR Missing arguments after KEYS keyword");
  const count = parseIntOrUndefined(args[at + 1] as Uint8Array);
  if (count === undefined || count <= 0) {
    throw err("ERR Invalid or negative value found in number of KEYS");
  }
  if (at + 2 + count > args.length) {
    throw err(
      "ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments",
    );
  }
}

/** `AI.SCRIPTEXECUTE key fn [KEYS n ...] [INPUTS n ...] [ARGS n ...] [OUTPUTS n ...] [TIMEOUT ms]`. */
export function parseScriptExecute(
  ctx: CommandContext,
  args: readonly Uint8Array[],
  inDag: boolean,
): RunRequest {
  if (args.length < 3) throw err("ERR wrong number of arguments for 'AI.SCRIPTEXECUTE' command");
  const script = loadScript(ctx, bytesToKey(args[1] as Uint8Array));
  const fn = functionName(args[2] as Uint8Array);
  const first = args[3] === undefined ? "" : keyword(args[3]);
  if (!inDag && first !== "KEYS" && first !== "INPUTS") {
    throw err("ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command");
  }
  const scopes = new Map<Scope, string[]>();
  let timeoutMs = 0;
  let i = 3;
  while (i < args.length) {
    const word = keyword(args[i] as Uint8Array);
    if (word === "TIMEOUT") {
      if (i + 1 >= args.length) throw err("ERR No value provided for TIMEOUT in AI.SCRIPTEXECUTE");
      timeoutMs = parseTimeout(args[i + 1] as Uint8Array);
      i += 2;
      break;
    }
    if (word !== "KEYS" && word !== "INPUTS" && word !== "ARGS" && word !== "OUTPUTS") {
      throw err(
        `ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: ${text(args[i] as Uint8Array)}`,
      );
    }
    if (scopes.has(word)) {
      throw err(`ERR Already Encountered ${word} scope in AI.SCRIPTEXECUTE command`);
    }
    if (word === "KEYS") validateKeys(args, i);
    const [items, next] = scopeItems(args, i, word);
    scopes.set(word, items);
    i = next;
  }
  if (i !== args.length) throw err("ERR Encountered problem parsing AI.SCRIPTEXECUTE");
  if (timeoutMs > 0 && inDag) throw err("ERR TIMEOUT not allowed within a DAG command");
  return {
    script,
    fn,
    keys: scopes.get("KEYS") ?? [],
    args: scopes.get("ARGS") ?? [],
    inputs: scopes.get("INPUTS") ?? [],
    outputs: scopes.get("OUTPUTS") ?? [],
    timeoutMs,
  };
}

/** One `SCOPE n item...` block starting at `at`; returns its items and the next position. */
function scopeItems(args: readonly Uint8Array[], at: number, scope: Scope): [string[], number] {
  const countArg = args[at + 1];
  if (countArg === undefined) throw err("ERR Invalid arguments provided to AI.SCRIPTEXECUTE");
  const count = parseIntOrUndefined(countArg);
  const countName = scope === "INPUTS" ? "inputs" : scope === "OUTPUTS" ? "outputs" : "keys";
  if (count === undefined || count < 0) {
    throw err(`ERR Invalid argument for ${countName} count in AI.SCRIPTEXECUTE`);
  }
  const start = at + 2;
  if (start + count > args.length) {
    throw err(
      `ERR number of ${scope.toLowerCase()} to AI.SCRIPTEXECUTE command does not match the number of given arguments`,
    );
  }
  return [args.slice(start, start + count).map(bytesToKey), start + count];
}

/**
 * `AI.SCRIPTRUN key fn [TIMEOUT t] INPUTS in... [$ in...] OUTPUTS out...` (deprecated). As in
 * RedisAI, TIMEOUT is the keyword wherever it stands (even inside a section) and OUTPUTS ends
 * the inputs for good, so a later INPUTS is a second section.
 */
export function parseScriptRun(
  ctx: CommandContext,
  args: readonly Uint8Array[],
  inDag: boolean,
): RunRequest {
  if (args.length < 3) throw err("ERR wrong number of arguments for 'AI.SCRIPTRUN' command");
  const script = loadScript(ctx, bytesToKey(args[1] as Uint8Array));
  const fn = functionName(args[2] as Uint8Array);
  const inputs: string[] = [];
  const outputs: string[] = [];
  let section: "none" | "inputs" | "outputs" = "none";
  let outputsSeen = false;
  let seenTimeout = false;
  let seenVariadic = false;
  let timeoutMs = 0;
  for (let i = 3; i < args.length; i++) {
    const arg = args[i] as Uint8Array;
    const word = keyword(arg);
    if (word === "TIMEOUT") {
      if (seenTimeout) throw err("ERR Already encountered an TIMEOUT section in SCRIPTRUN");
      seenTimeout = true;
      timeoutMs = parseTimeout(args[++i] ?? new Uint8Array());
    } else if (word === "INPUTS") {
      if (outputsSeen) throw err("ERR Already encountered an INPUTS section in SCRIPTRUN");
      if (section === "inputs") throw err("ERR Already encountered an INPUTS keyword in SCRIPTRUN");
      section = "inputs";
    } else if (word === "OUTPUTS") {
      if (section === "outputs") {
        throw err("ERR Already encountered an OUTPUTS keyword in SCRIPTRUN");
      }
      section = "outputs";
      outputsSeen = true;
    } else if (word === "$") {
      if (section !== "inputs") {
        throw err("ERR Encountered a variable size list of tensors outside of input section");
      }
      if (seenVariadic) throw err("ERR Already encountered a variable size list of tensors");
      seenVariadic = true;
    } else if (section === "inputs") {
      inputs.push(bytesToKey(arg));
    } else if (section === "outputs") {
      outputs.push(bytesToKey(arg));
    } else {
      throw err("ERR Unrecongnized parameter to SCRIPTRUN");
    }
  }
  if (timeoutMs > 0 && inDag) throw err("ERR TIMEOUT not allowed within a DAG command");
  return { script, fn, keys: [], args: [], inputs, outputs, timeoutMs };
}
