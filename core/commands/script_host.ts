/**
 * The main-thread side of a running script's Redis API. `redis.execute` goes through the one
 * dispatch path as a synthetic, authenticated client on the caller's database, so arity,
 * types, stats, MONITOR and the append-only log all apply; its reply is converted the way
 * RedisAI converts `RedisModule_Call` replies. Like `RedisModule_Call`, an unknown command or
 * a wrong argument count fails with the errno text (`No such file or directory`,
 * `Invalid argument`); blocking and transaction commands are refused. `redisAI.model_execute`
 * runs a stored model through its device queue.
 */
import type { HostReply } from "../../backends/script/redis_api.ts";
import type { HostHandler } from "../../backends/script/worker/script_pool.ts";
import { ClientState } from "../client.ts";
import { arityFits, type CommandContext, hasFlag } from "../command.ts";
import { dispatch } from "../dispatch.ts";
import { CommandError } from "../errors.ts";
import { bytesToKey, keyToBytes, textToKey } from "../keys.ts";
import { runModel } from "../model_value.ts";
import {
  BoolReply,
  DoubleReply,
  MapReply,
  PushReply,
  Reply,
  SetReply,
  Status,
  VerbatimReply,
} from "../reply.ts";
import type { Tensor } from "../tensor.ts";

const noop = () => {};

/** A `Reply` as the script sees it (strings are byte strings). */
export function toHostReply(reply: Reply): HostReply {
  if (reply === null || typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply);
  if (typeof reply === "string") return textToKey(reply);
  if (reply instanceof Uint8Array) return bytesToKey(reply);
  if (Array.isArray(reply)) return (reply as readonly Reply[]).map(toHostReply);
  if (reply instanceof Status || reply instanceof VerbatimReply) return textToKey(reply.text);
  if (reply instanceof CommandError) return { error: reply.message };
  if (reply instanceof MapReply) {
    return reply.entries.flatMap(([k, v]) => [toHostReply(k), toHostReply(v)]);
  }
  if (reply instanceof SetReply || reply instanceof PushReply) return reply.items.map(toHostReply);
  if (reply instanceof DoubleReply) return String(reply.value);
  if (reply instanceof BoolReply) return reply.value ? 1 : 0;
  return null;
}

/** The host handler for one script run started by `ctx`'s client. */
export function scriptHost(ctx: CommandContext): HostHandler {
  const server = ctx.server;
  let client: ClientState | undefined;
  return {
    execute(args: readonly string[]): HostReply | Promise<HostReply> {
      const spec = server.table.get((args[0] ?? "").toLowerCase());
      if (spec === undefined) return { error: "No such file or directory" };
      // Module commands have arity -1 for RedisModule_Call: they answer a wrong count themselves.
      if (!hasFlag(spec, "module") && !arityFits(spec, args.length)) {
        return { error: "Invalid argument" };
      }
      if (hasFlag(spec, "blocking") || hasFlag(spec, "noscript")) {
        return { error: "ERR This Redis command is not allowed from script" };
      }
      if (client === undefined) {
        client = new ClientState(
          server.nextClientId++,
          "script",
          "",
          server.now(),
          true,
          noop,
          noop,
        );
      }
      client.dbIndex = ctx.client.dbIndex;
      const reply = dispatch(server, client, args.map(keyToBytes));
      return reply instanceof Promise ? reply.then(toHostReply) : toHostReply(reply);
    },
    async modelExecute(
      key: string,
      inputs: readonly Tensor[],
      outputCount: number,
    ): Promise<readonly Tensor[]> {
      const entry = server.keyspace.db(ctx.client.dbIndex).getTyped(key, "model");
      if (entry === undefined) throw new CommandError("ERR model key is empty");
      const model = entry.value;
      if (inputs.length !== model.inputs.length) {
        throw new CommandError(
          `ERR Expected ${model.inputs.length} inputs but got ${inputs.length}`,
        );
      }
      if (outputCount !== model.outputs.length) {
        throw new CommandError(
          `ERR Expected ${model.outputs.length} outputs but got ${outputCount}`,
        );
      }
      const outcome = await runModel(server, model, inputs);
      if (outcome.kind === "error") throw outcome.error;
      if (outcome.kind === "timedout") throw new CommandError("TIMEDOUT");
      return outcome.outputs.filter((t): t is Tensor => t !== undefined);
    },
  };
}
