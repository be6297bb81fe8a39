/**
 * Running a model or script over HTTP with inputs given by key or inline, and outputs stored
 * under keys or returned inline. Each run is ONE `AI.DAGEXECUTE` (or `_RO`) through
 * `dispatch`: LOAD for input keys, a TENSORSET op per inline input, the model or script op,
 * PERSIST for output keys and a TENSORGET op per output to return. So the same parser, run
 * queues, batching and stats apply as over RESP, and inline tensors never touch the keyspace
 * (nothing to clean up, nothing logged for persistence).
 */
import { utf8Bytes } from "../../core/bytes.ts";
import { CommandError } from "../../core/errors.ts";
import { bytesToKey } from "../../core/keys.ts";
import { Reply, Status } from "../../core/reply.ts";
import { Arg, Caller, callOk } from "./call.ts";
import { jsonToArg } from "./reply_json.ts";
import { tensorFromJson, tensorSetArgs, WireTensor, wireTensorFromReply } from "./tensor_forms.ts";

/** An input: a key already holding a tensor, or a tensor given in the request. */
export type InputRef = { readonly key: Uint8Array } | { readonly tensor: WireTensor };

export interface RunPlan {
  /** The model or script key (the DAG's ROUTING key). */
  readonly routing: Uint8Array;
  readonly inputs: readonly InputRef[];
  /** Output keys to store into, or how many outputs to return inline only. */
  readonly outputs: readonly Uint8Array[] | number;
  /** Return stored outputs too (inline outputs are always returned). */
  readonly returnOutputs: boolean;
  /** The DAG-wide TIMEOUT in ms, if any. */
  readonly timeout: Arg | undefined;
  /** Whether the op may run in a read-only DAG (scripts may not). */
  readonly readOnlyOp: boolean;
  /** The model or script op, given the DAG names of its inputs and outputs. */
  readonly op: (inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]) => Arg[];
}

/** A DAG-local tensor name no client key is expected to use. */
function localName(kind: string, i: number): Uint8Array {
  return utf8Bytes(`\0http:${kind}:${i}`);
}

/** Runs `plan`; returns each output (`undefined` where the run produced none) when returned. */
export async function runWithTensors(
  caller: Caller,
  plan: RunPlan,
): Promise<(WireTensor | undefined)[]> {
  const loads = uniqueKeys(plan.inputs.flatMap((input) => "key" in input ? [input.key] : []));
  const inputNames = plan.inputs.map((input, i) => "key" in input ? input.key : localName("in", i));
  const persist = typeof plan.outputs === "number" ? [] : plan.outputs;
  const outputNames = typeof plan.outputs === "number"
    ? Array.from({ length: plan.outputs }, (_, i) => localName("out", i))
    : plan.outputs;
  const returned = plan.returnOutputs || typeof plan.outputs === "number";
  const readOnly = plan.readOnlyOp && persist.length === 0;
  const args: Arg[] = [readOnly ? "AI.DAGEXECUTE_RO" : "AI.DAGEXECUTE", "ROUTING", plan.routing];
  if (loads.length > 0) args.push("LOAD", String(loads.length), ...loads);
  if (persist.length > 0) args.push("PERSIST", String(persist.length), ...persist);
  if (plan.timeout !== undefined) args.push("TIMEOUT", plan.timeout);
  plan.inputs.forEach((input, i) => {
    if ("tensor" in input) {
      args.push("|>", ...tensorSetArgs(inputNames[i] as Uint8Array, input.tensor));
    }
  });
  const opIndex = plan.inputs.filter((input) => "tensor" in input).length;
  args.push("|>", ...plan.op(inputNames, outputNames));
  if (returned) {
    for (const name of outputNames) {
      args.push("|>", "AI.TENSORGET", name, "META", "BLOB");
    }
  }
  const reply = await callOk(caller, args);
  if (reply instanceof Status && reply.text === "TIMEDOUT") {
    throw new CommandError("TIMEDOUT", "timeout");
  }
  const items = Array.isArray(reply) ? reply as readonly Reply[] : [];
  const failure = items.find((item) => item instanceof CommandError);
  if (failure instanceof CommandError) throw failure;
  if (!returned) return [];
  return items.slice(opIndex + 1, opIndex + 1 + outputNames.length).map((item) =>
    Array.isArray(item) ? wireTensorFromReply(item) : undefined
  );
}

/** Keys without repeats (an input used twice is loaded once). */
function uniqueKeys(keys: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const name = bytesToKey(key);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** A JSON list of keys: strings or `{"base64": ...}`. */
export function parseKeyList(value: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(value)) throw new CommandError(`ERR ${what} must be a JSON array of keys`);
  return value.map(jsonToArg);
}

/** A JSON list of inputs: keys, or tensors as `{"dtype", "shape", "values"}`. */
export function parseInputList(value: unknown): InputRef[] {
  if (!Array.isArray(value)) {
    throw new CommandError("ERR inputs must be a JSON array of keys or tensors");
  }
  return value.map((item): InputRef =>
    typeof item === "object" && item !== null && "dtype" in item
      ? { tensor: tensorFromJson(item) }
      : { key: jsonToArg(item) }
  );
}
