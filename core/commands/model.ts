/**
 * Model commands: AI.MODELSTORE, AI.MODELSET (deprecated), AI.MODELGET, AI.MODELDEL,
 * AI.MODELEXECUTE, AI.MODELRUN (deprecated) and AI._MODELSCAN, with RedisAI's order of checks
 * and texts. Storing builds the session first (on the device's queue) and writes the key only
 * when that worked, so a failed store leaves nothing behind. Runs block the client until
 * their queue answers; outputs are written together once every output key was checked.
 */
import { command, CommandContext } from "../command.ts";
import type { ComputeOpParser, DagForm } from "../dag/dag_parser.ts";
import { TIMED_OUT } from "../dag/dag_plan.ts";
import { CommandError, errors } from "../errors.ts";
import { bytesToKey, keyToBytes, keyword, text } from "../keys.ts";
import { createModel, joinChunks, modelEntryBytes, ModelValue, runModel } from "../model_value.ts";
import { OK, Reply, Status } from "../reply.ts";
import { Tensor, tensorEntryBytes } from "../tensor.ts";
import { readTensor, readTyped } from "./access.ts";
import { modelExecuteKeys, modelRunKeys } from "./ai_keys.ts";
import {
  MODELEXECUTE_ARITY_ERROR,
  ModelRunArgs,
  ModelStoreArgs,
  parseModelExecute,
  parseModelRun,
  parseModelSet,
  parseModelStore,
} from "./model_parse.ts";

const TIMEDOUT = new Status("TIMEDOUT");

/**
 * The model at `key`, read (a keyspace hit or miss counted): `ERR model key is empty` when
 * none, WRONGTYPE for another type.
 */
export function lookupModel(ctx: CommandContext, key: Uint8Array): ModelValue {
  return modelOf(readTyped(ctx.db, bytesToKey(key), "model"));
}

function modelOf(entry: { readonly value: ModelValue } | undefined): ModelValue {
  if (entry === undefined) throw new CommandError("ERR model key is empty", "not_found");
  return entry.value;
}

async function store(ctx: CommandContext, parsed: ModelStoreArgs): Promise<Reply> {
  const bytes = parsed.chunks.reduce((n, c) => n + c.byteLength, 0);
  ctx.server.keyspace.checkMemory(bytes);
  const value = await createModel(ctx.server, parsed.options, joinChunks(parsed.chunks));
  ctx.db.getTyped(parsed.key, "model");
  ctx.db.set(parsed.key, { type: "model", value, bytes: modelEntryBytes(value) });
  return OK;
}

function modelGet(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length > 4) throw errors.arity(text(args[0] as Uint8Array));
  const model = lookupModel(ctx, args[1] as Uint8Array);
  const options = new Set(args.slice(2).map(keyword));
  const meta = options.has("META");
  const blob = options.has("BLOB");
  const chunked = blobReply(model.blob, ctx.server.config["model-chunk-size"]);
  if (blob && !meta) return chunked;
  const reply: Reply[] = [
    "backend",
    model.backend,
    "device",
    model.device,
    "tag",
    keyToBytes(model.tag),
    "batchsize",
    model.batchSize,
    "minbatchsize",
    model.minBatchSize,
    "inputs",
    [...model.inputs],
    "outputs",
    [...model.outputs],
    "minbatchtimeout",
    model.minBatchTimeoutMs,
  ];
  if (!meta || blob) reply.push("blob", chunked);
  return reply;
}

/** The blob whole when shorter than a chunk, else `len / chunk + 1` chunks (RedisAI's quirk:
 * an exact multiple ends with an empty chunk). */
export function blobReply(blob: Uint8Array, chunkBytes: number): Reply {
  if (blob.byteLength < chunkBytes) return blob;
  const chunks: Uint8Array[] = [];
  for (let at = 0; at <= blob.byteLength; at += chunkBytes) {
    chunks.push(blob.subarray(at, Math.min(blob.byteLength, at + chunkBytes)));
  }
  return chunks;
}

function modelDel(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const key = bytesToKey(args[1] as Uint8Array);
  modelOf(ctx.db.getTyped(key, "model"));
  ctx.db.delete(key);
  return OK;
}

function modelExecute(ctx: CommandContext, args: readonly Uint8Array[]): Promise<Reply> {
  if (args.length < 8) throw new CommandError(MODELEXECUTE_ARITY_ERROR);
  const model = lookupModel(ctx, args[1] as Uint8Array);
  return execute(ctx, model, parseModelExecute(args, model));
}

function modelRun(ctx: CommandContext, args: readonly Uint8Array[]): Promise<Reply> {
  if (args.length < 6) {
    throw new CommandError("ERR wrong number of arguments for 'AI.MODELRUN' command");
  }
  const model = lookupModel(ctx, args[1] as Uint8Array);
  return execute(ctx, model, parseModelRun(args, model));
}

/** Loads the input tensors (now, on the main thread), runs, and stores the outputs. */
function execute(ctx: CommandContext, model: ModelValue, parsed: ModelRunArgs): Promise<Reply> {
  const inputs = parsed.inputs.map((key) => readTensor(ctx.db, key));
  return runModel(ctx.server, model, inputs, parsed.timeoutMs).then((outcome) => {
    if (outcome.kind === "timedout") return TIMEDOUT;
    if (outcome.kind === "error") throw outcome.error;
    storeOutputs(ctx, parsed.outputs, outcome.outputs);
    return OK;
  });
}

/** Writes every output the model produced; nothing when an output key holds a non-tensor. */
export function storeOutputs(
  ctx: CommandContext,
  keys: readonly string[],
  outputs: readonly (Tensor | undefined)[],
): void {
  keys.forEach((key, i) => {
    if (outputs[i] !== undefined) ctx.db.getTyped(key, "tensor");
  });
  keys.forEach((key, i) => {
    const tensor = outputs[i];
    if (tensor === undefined) return;
    ctx.db.set(key, { type: "tensor", value: tensor, bytes: tensorEntryBytes(tensor) });
    ctx.server.persistence?.logKeyWrite(ctx, key);
  });
}

/**
 * Model ops inside AI.DAGEXECUTE (`execute`: AI.MODELEXECUTE) and the deprecated AI.DAGRUN
 * (`run`: AI.MODELRUN): parsed and bound to the model when the DAG is parsed; they run on the
 * model's device queue, batching with stand-alone runs.
 */
export function modelOpParser(ctx: CommandContext, form: DagForm): ComputeOpParser {
  return (args) => {
    if (form === "execute" && args.length < 8) throw new CommandError(MODELEXECUTE_ARITY_ERROR);
    if (form === "run" && args.length < 6) {
      throw new CommandError("ERR wrong number of arguments for 'AI.MODELRUN' command");
    }
    const model = lookupModel(ctx, args[1] as Uint8Array);
    const parsed = form === "execute" ? parseModelExecute(args, model) : parseModelRun(args, model);
    if (parsed.timeoutMs > 0) {
      throw new CommandError("ERR TIMEOUT not allowed within a DAG command");
    }
    return {
      kind: "compute",
      device: model.device.toUpperCase(),
      inputs: parsed.inputs,
      outputs: parsed.outputs,
      run: async (inputs, options) => {
        const outcome = await runModel(ctx.server, model, inputs, options.timeoutMs);
        if (outcome.kind === "timedout") return TIMED_OUT;
        if (outcome.kind === "error") throw outcome.error;
        return outcome.outputs;
      },
    };
  };
}

function modelScan(ctx: CommandContext): Reply {
  const pairs: Reply[] = [];
  for (const db of ctx.server.keyspace.dbs) {
    for (const key of db.keys()) {
      const entry = db.entries.get(key);
      if (entry?.type === "model") pairs.push([keyToBytes(key), keyToBytes(entry.value.tag)]);
    }
  }
  return pairs;
}

const row = { group: "module", since: "1.2.5" } as const;

export const modelCommands = [
  command({
    ...row,
    name: "ai.modelstore",
    arity: -1,
    flags: ["write", "denyoom", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Stores a model (built on its device's queue first).",
    arguments: "key backend device [TAG tag] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT ms]]] " +
      "[INPUTS count name [name ...] OUTPUTS count name [name ...]] BLOB chunk [chunk ...]",
    handler: (ctx, args) => store(ctx, parseModelStore(args)),
  }),
  command({
    ...row,
    name: "ai.modelset",
    arity: -1,
    flags: ["write", "denyoom", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Stores a model (deprecated: use AI.MODELSTORE).",
    handler: (ctx, args) => store(ctx, parseModelSet(args)),
  }),
  command({
    ...row,
    name: "ai.modelget",
    arity: -2,
    flags: ["readonly", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Returns a model's metadata and/or blob.",
    arguments: "key [META] [BLOB]",
    handler: modelGet,
  }),
  command({
    ...row,
    name: "ai.modeldel",
    arity: 2,
    flags: ["write", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Deletes a model.",
    arguments: "key",
    handler: modelDel,
  }),
  command({
    ...row,
    name: "ai.modelexecute",
    arity: -1,
    flags: ["write", "denyoom", "blocking", "movablekeys", "module"],
    firstKey: 4,
    lastKey: 4,
    step: 1,
    keys: modelExecuteKeys,
    summary: "Runs a model on input tensors, storing its outputs (blocks the client).",
    arguments: "key INPUTS count input [input ...] OUTPUTS count output [output ...] [TIMEOUT ms]",
    handler: modelExecute,
  }),
  command({
    ...row,
    name: "ai.modelrun",
    arity: -1,
    flags: ["write", "denyoom", "blocking", "movablekeys", "module"],
    firstKey: 3,
    lastKey: 3,
    step: 1,
    keys: modelRunKeys,
    summary: "Runs a model (deprecated: use AI.MODELEXECUTE).",
    handler: modelRun,
  }),
  command({
    ...row,
    name: "ai._modelscan",
    arity: 1,
    flags: ["readonly", "module"],
    summary: "Lists every model key with its tag (experimental).",
    handler: modelScan,
  }),
];
