/**
 * The Redis API inside scripts, as RedisAI's TorchScript extensions define it:
 * `redis.execute(cmd, *args)` runs a command against the keyspace and converts the reply
 * (string → str, integer → int, array → list, nil → None; an error becomes
 * `Redis command returned an error: <msg>`), `redis.asList(x)` treats a reply as a list, and
 * `redisAI.model_execute(key, inputs, n)` runs a stored model. The host (the server, through
 * a message round trip when the script runs off the main thread) does the actual work.
 *
 * Strings are byte strings (one char per byte, see `core/keys.ts`), like TorchScript's
 * std::string, so keys and values round-trip exactly.
 */
import type { Tensor } from "../../core/tensor.ts";
import { opError, ScriptTensor } from "./ops/script_tensor.ts";
import { Args, Builtin, builtinTable } from "./signature.ts";
import { PyTuple, typeName, Value } from "./values.ts";

/** A converted Redis reply, or the error text of an error reply. */
export type HostReply = null | number | string | HostReply[] | { readonly error: string };

/** What scripts may ask of the server. */
export interface ScriptHost {
  /** Runs one command (byte-string arguments, the name first). */
  execute(args: readonly string[]): HostReply;
  /** Runs a model; throws an error carrying the server's message on failure. */
  modelExecute(key: string, inputs: readonly Tensor[], outputCount: number): readonly Tensor[];
}

function toValue(reply: HostReply): Value {
  if (reply === null || typeof reply === "number" || typeof reply === "string") return reply;
  if (Array.isArray(reply)) return reply.map(toValue);
  throw opError(`Redis command returned an error: ${(reply as { error: string }).error}`);
}

/** `execute(cmd: str, *args: str | List[str])`: arguments flattened one level. */
function commandArgs(a: Args): string[] {
  const out = [a.str(0)];
  for (const v of a.value(1) as Value[]) {
    const items = Array.isArray(v) ? v : v instanceof PyTuple ? v.items : [v];
    for (const item of items) {
      if (typeof item !== "string") {
        throw opError(
          `execute() Expected a value of type 'str' for argument 'args' but instead found type '${
            typeName(item)
          }'.`,
        );
      }
      out.push(item);
    }
  }
  return out;
}

/** The `redis` module functions. */
export function redisFunctions(host: ScriptHost): Map<string, Builtin> {
  return builtinTable([
    ["execute(cmd, *args)", (a) => toValue(host.execute(commandArgs(a)))],
    [
      "asList(value)",
      (a) => {
        const v = a.value(0);
        if (Array.isArray(v)) return v;
        if (v instanceof PyTuple) return [...v.items];
        throw opError(`Expected GenericList but got ${typeName(v)}`);
      },
    ],
  ]);
}

/** The `redisAI` module functions. */
export function redisAIFunctions(host: ScriptHost): Map<string, Builtin> {
  return builtinTable([
    [
      "model_execute(model_key, inputs, num_outputs)",
      (a) => {
        const inputs = a.tensorList(1).map((t) => t.plain());
        return host.modelExecute(a.str(0), inputs, a.int(2)).map((t) => ScriptTensor.of(t));
      },
    ],
  ]);
}
