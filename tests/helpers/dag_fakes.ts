/**
 * Test doubles for the DAG engine's unit tests: a compute op whose `run()` the test controls,
 * a stand-in MODELEXECUTE/SCRIPTEXECUTE parser (`key INPUTS n ... OUTPUTS m ...`, device from
 * the key's `@DEVICE` suffix), and parse options over an in-memory set of LOADable tensors.
 * Only tests import it.
 */
import { CommandError, errors } from "../../core/errors.ts";
import { bytesToKey, keyword } from "../../core/keys.ts";
import { Tensor, zeroTensor } from "../../core/tensor.ts";
import { tensorGetErrors } from "../../core/tensor_reply.ts";
import type { DagForm, DagParseOptions } from "../../core/dag/dag_parser.ts";
import type {
  ComputeOp,
  ComputeOutputs,
  ComputeRunOptions,
  TIMED_OUT,
} from "../../core/dag/dag_plan.ts";

export type RunFn = (
  inputs: readonly Tensor[],
  options: ComputeRunOptions,
) => Promise<ComputeOutputs | typeof TIMED_OUT>;

/** Echoes its first input into every output by default. */
export function fakeOp(
  device: string,
  inputs: readonly string[],
  outputs: readonly string[],
  run: RunFn = (tensors) => Promise.resolve(outputs.map(() => tensors[0])),
): ComputeOp {
  return { kind: "compute", device, inputs, outputs, run };
}

/** Parses `key INPUTS n a... OUTPUTS m b...` (counts checked loosely) into an echo op. */
export function fakeComputeParser(args: readonly Uint8Array[]): ComputeOp {
  const key = args[1] === undefined ? "" : bytesToKey(args[1]);
  const names = (at: number, word: string): [string[], number] => {
    const arg = args[at];
    if (arg === undefined || arg.length > 16 || keyword(arg) !== word) {
      throw new CommandError(`ERR ${word} not specified`);
    }
    const count = Number(bytesToKey(args[at + 1] ?? new Uint8Array()));
    if (!Number.isInteger(count) || count < 0 || at + 2 + count > args.length) {
      throw new CommandError(`ERR bad ${word} count`);
    }
    return [args.slice(at + 2, at + 2 + count).map(bytesToKey), at + 2 + count];
  };
  const [inputs, next] = names(2, "INPUTS");
  const [outputs] = names(next, "OUTPUTS");
  const at = key.indexOf("@");
  return fakeOp(at < 0 ? "CPU" : key.slice(at + 1).toUpperCase(), inputs, outputs);
}

/** Tensors a DAG may LOAD; the name `str` holds a non-tensor (WRONGTYPE). */
export const LOADABLE: ReadonlyMap<string, Tensor> = new Map([
  ["a", zeroTensor("FLOAT", [2])],
  ["b", zeroTensor("INT32", [1, 3])],
]);

export function parseOptions(
  form: DagForm = "execute",
  readOnly = false,
  limits: Partial<DagParseOptions["limits"]> = {},
): DagParseOptions {
  return {
    form,
    readOnly,
    load: (key) => {
      if (key === "str") throw errors.wrongType();
      const tensor = LOADABLE.get(key);
      if (tensor === undefined) throw tensorGetErrors.empty();
      return tensor;
    },
    model: fakeComputeParser,
    script: fakeComputeParser,
    limits: {
      opsMax: 64,
      tensorBytesMax: 1 << 20,
      tensor: { bytesMax: 1 << 20, rankMax: 8 },
      ...limits,
    },
  };
}

const encoder = new TextEncoder();

/** Space-separated words as arguments. */
export function words(line: string): Uint8Array[] {
  return line.split(" ").filter((w) => w !== "").map((w) => encoder.encode(w));
}
