/**
 * Script commands: AI.SCRIPTSTORE, the deprecated AI.SCRIPTSET, AI.SCRIPTGET, AI.SCRIPTDEL,
 * AI.SCRIPTEXECUTE, the deprecated AI.SCRIPTRUN and AI._SCRIPTSCAN, with RedisAI's checks,
 * texts and reply shapes. Runs go to the script queues off the main thread and are flagged
 * `blocking` (MULTI refuses them with RedisAI's text); outputs become tensors.
 */
import { command, CommandContext } from "../command.ts";
import type { ComputeOpParser } from "../dag/dag_parser.ts";
import { CommandError, errors } from "../errors.ts";
import { bytesToKey, keyToBytes, keyword, text } from "../keys.ts";
import { OK, Reply, Status } from "../reply.ts";
import { createScript, scriptEntryBytes } from "../script_value.ts";
import {
  loadScript,
  parseScriptExecute,
  parseScriptRun,
  parseScriptSet,
  parseScriptStore,
  RunRequest,
  scriptOf,
  StoreRequest,
} from "./script_parse.ts";
import { readTensor } from "./access.ts";
import { scriptExecuteKeys, scriptRunKeys } from "./ai_keys.ts";
import { runRequest, scriptComputeOp, storeOutputs } from "./script_run.ts";

const encoder = new TextEncoder();

/** AI.SCRIPTEXECUTE (`execute` form) or AI.SCRIPTRUN (`run` form) as a DAG op. */
export function scriptOpParser(ctx: CommandContext, form: "execute" | "run"): ComputeOpParser {
  return (args) =>
    scriptComputeOp(
      ctx,
      form === "execute" ? parseScriptExecute(ctx, args, true) : parseScriptRun(ctx, args, true),
    );
}

/** Torch's `parseDeviceStr`: anything starting with CPU, or GPU / GPU:<n>. */
const DEVICE = /^(CPU.*|GPU(:\d+)?)$/is;

function store(ctx: CommandContext, req: StoreRequest): Reply {
  if (!DEVICE.test(req.device)) {
    throw new CommandError("ERR Error configuring script: unsupported device");
  }
  const value = createScript(req);
  const old = ctx.db.get(req.key);
  if (old !== undefined && old.type !== "script") throw errors.wrongType();
  ctx.db.set(req.key, { type: "script", value, bytes: scriptEntryBytes(value) });
  return OK;
}

function scriptSet(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length !== 5 && args.length !== 7) throw errors.arity(text(args[0] as Uint8Array));
  return store(ctx, parseScriptSet(args));
}

function scriptGet(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length > 4) throw errors.arity(text(args[0] as Uint8Array));
  const script = loadScript(ctx, bytesToKey(args[1] as Uint8Array));
  const words = args.slice(2).map(keyword);
  const meta = words.includes("META");
  const source = words.includes("SOURCE");
  if (source && !meta) return script.source;
  const fields: Reply[] = [
    "device",
    encoder.encode(script.device),
    "tag",
    keyToBytes(script.tag),
    "Entry Points",
    script.entryPoints.map((e) => encoder.encode(e)),
  ];
  return meta && !source ? fields : [...fields, "source", script.source];
}

function scriptDel(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const key = bytesToKey(args[1] as Uint8Array);
  scriptOf(ctx.db.getTyped(key, "script"));
  ctx.db.delete(key);
  return OK;
}

/** Runs a parsed request on keyspace tensors and stores its outputs. */
async function execute(ctx: CommandContext, req: RunRequest): Promise<Reply> {
  const inputs = req.inputs.map((key) => readTensor(ctx.db, key));
  const deadlineMs = req.timeoutMs > 0 ? ctx.server.now() + req.timeoutMs : undefined;
  const outcome = await runRequest(ctx, req, inputs, deadlineMs);
  if (outcome.kind === "timedout") return new Status("TIMEDOUT");
  if (outcome.kind === "error") return new CommandError(outcome.message);
  storeOutputs(ctx, req.outputs, outcome.outputs);
  return OK;
}

/** `AI._SCRIPTSCAN`: `[key, tag]` for every stored script. */
function scriptScan(ctx: CommandContext): Reply {
  const out: Reply[] = [];
  for (const db of ctx.server.keyspace.dbs) {
    for (const [key, entry] of db.entries) {
      if (entry.type === "script") out.push([keyToBytes(key), keyToBytes(entry.value.tag)]);
    }
  }
  return out;
}

const keyed = { firstKey: 1, lastKey: 1, step: 1, group: "module" } as const;

export const scriptCommands = [
  command({
    ...keyed,
    name: "ai.scriptstore",
    arguments: "key device [TAG tag] ENTRY_POINTS count function [function ...] SOURCE script",
    arity: -8,
    flags: ["write", "denyoom", "module"],
    summary: "Stores a TorchScript-subset script with its entry points.",
    handler: (ctx, args) => store(ctx, parseScriptStore(args)),
  }),
  command({
    ...keyed,
    name: "ai.scriptset",
    arguments: "key device [TAG tag] SOURCE script",
    arity: -5,
    flags: ["write", "denyoom", "module"],
    summary: "Stores a script without entry points (deprecated).",
    handler: scriptSet,
  }),
  command({
    ...keyed,
    name: "ai.scriptget",
    arguments: "key [META] [SOURCE]",
    arity: -2,
    flags: ["readonly", "module"],
    summary: "Returns a script's device, tag, entry points and source.",
    handler: scriptGet,
  }),
  command({
    ...keyed,
    name: "ai.scriptdel",
    arguments: "key",
    arity: 2,
    flags: ["write", "module"],
    summary: "Deletes a script.",
    handler: scriptDel,
  }),
  command({
    ...keyed,
    name: "ai.scriptexecute",
    arguments: "key function [KEYS count key [key ...]] [INPUTS count input [input ...]] " +
      "[ARGS count arg [arg ...]] [OUTPUTS count output [output ...]] [TIMEOUT ms]",
    arity: -1,
    flags: ["write", "denyoom", "module", "blocking", "movablekeys"],
    firstKey: 5,
    lastKey: 5,
    keys: scriptExecuteKeys,
    summary: "Runs a script function on tensors, keys and arguments.",
    handler: (ctx, args) => execute(ctx, parseScriptExecute(ctx, args, false)),
  }),
  command({
    ...keyed,
    name: "ai.scriptrun",
    arguments: "key function [TIMEOUT ms] INPUTS input [input ...] OUTPUTS output [output ...]",
    arity: -1,
    flags: ["write", "denyoom", "module", "blocking", "movablekeys"],
    firstKey: 4,
    lastKey: 4,
    keys: scriptRunKeys,
    summary: "Runs a script function on tensors (deprecated).",
    handler: (ctx, args) => execute(ctx, parseScriptRun(ctx, args, false)),
  }),
  command({
    name: "ai._scriptscan",
    arity: 1,
    flags: ["readonly", "module"],
    group: "module",
    summary: "Lists stored scripts and their tags.",
    handler: scriptScan,
  }),
];
