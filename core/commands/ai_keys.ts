/**
 * Key positions of RedisAI's getkeys-api commands (`REDISAI_PROTOCOL.md` §0), as its key
 * reporters find them: `ModelExecute_ReportKeysPositions`, `RedisAI_ModelRun_…`,
 * `RedisAI_ScriptExecute_…` / `RedisAI_ScriptRun_…` and `RedisAI_DagExecute_…`. They scan the
 * arguments without validating the command, and Redis keeps whatever keys were reported before
 * a reporter gives up (an unparsable count, a block running past the end, ARGS in
 * AI.SCRIPTEXECUTE). COMMAND GETKEYS and every other question about a call's keys use these.
 */
import { parseIntOrUndefined } from "../args.ts";
import { keyword } from "../keys.ts";

/** The longest word the reporters look for, AI.SCRIPTEXECUTE. */
const WORD_LENGTH_MAX = 16;

/** An argument upper-cased when it could be one of the reporters' words (blobs aren't read). */
function word(arg: Uint8Array): string {
  return arg.length <= WORD_LENGTH_MAX ? keyword(arg) : "";
}

/**
 * Reports the `count` keys at `args[countAt + 1]...` when `args[countAt]` is a count ≥ 0 and
 * they all exist; returns the index after them, or `undefined` when the reporter stops there.
 */
function countedKeys(
  args: readonly Uint8Array[],
  countAt: number,
  out: number[],
): number | undefined {
  const arg = args[countAt];
  const count = arg === undefined ? undefined : parseIntOrUndefined(arg);
  if (count === undefined || count < 0 || countAt + count >= args.length) return undefined;
  for (let i = countAt + 1; i <= countAt + count; i++) out.push(i);
  return countAt + count + 1;
}

/**
 * AI.MODELEXECUTE key INPUTS n in... OUTPUTS m out...: the model key, then the inputs and
 * outputs only once both counts are readable (the keywords themselves are not checked).
 */
export function modelExecuteKeys(args: readonly Uint8Array[]): number[] {
  if (args.length < 4) return [];
  const inputs: number[] = [];
  const outputsAt = countedKeys(args, 3, inputs);
  if (outputsAt === undefined) return [1];
  const outputs: number[] = [];
  if (countedKeys(args, outputsAt + 1, outputs) === undefined) return [1];
  return [1, ...inputs, ...outputs];
}

/**
 * The deprecated AI.MODELRUN key [TIMEOUT t] INPUTS ... OUTPUTS ... and AI.SCRIPTRUN key fn
 * [TIMEOUT t] INPUTS ... OUTPUTS ...: the key, then every argument after the INPUTS slot
 * except the word OUTPUTS. `inputsAt` is where INPUTS (or TIMEOUT) stands.
 */
function runKeys(args: readonly Uint8Array[], inputsAt: number): number[] {
  const out = [1];
  const at = args[inputsAt];
  if (at === undefined) return out;
  const first = inputsAt + (word(at) === "TIMEOUT" ? 3 : 1);
  for (let i = first; i < args.length; i++) {
    if (word(args[i] as Uint8Array) !== "OUTPUTS") out.push(i);
  }
  return out;
}

export const modelRunKeys = (args: readonly Uint8Array[]): number[] => runKeys(args, 2);

export const scriptRunKeys = (args: readonly Uint8Array[]): number[] => runKeys(args, 3);

const SCRIPT_KEY_BLOCKS = new Set(["KEYS", "INPUTS", "OUTPUTS"]);

/**
 * AI.SCRIPTEXECUTE key fn [KEYS n ...] [INPUTS n ...] [OUTPUTS n ...] [TIMEOUT t]: the script
 * key and every KEYS, INPUTS and OUTPUTS item, up to TIMEOUT. Any other word, ARGS included,
 * ends the report (RedisAI's cluster-only quirk, §0).
 */
export function scriptExecuteKeys(args: readonly Uint8Array[]): number[] {
  const out = [1];
  let at = 3;
  while (at < args.length) {
    if (!SCRIPT_KEY_BLOCKS.has(word(args[at] as Uint8Array))) break;
    const next = countedKeys(args, at + 1, out);
    if (next === undefined) break;
    at = next;
  }
  return out;
}

/**
 * The DAG commands: each LOAD and PERSIST list, the ROUTING key, and the key after every
 * AI.MODELEXECUTE and AI.SCRIPTEXECUTE, found by a scan of every argument (ops' own tensor
 * names are DAG-local, not keys).
 */
export function dagKeys(args: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  let at = 1;
  while (at < args.length) {
    const name = word(args[at++] as Uint8Array);
    if (name === "LOAD" || name === "PERSIST") {
      const next = countedKeys(args, at, out);
      if (next === undefined) break;
      at = next;
    } else if (name === "ROUTING" || name === "AI.MODELEXECUTE" || name === "AI.SCRIPTEXECUTE") {
      if (at >= args.length) break;
      out.push(at++);
    }
  }
  return out;
}
