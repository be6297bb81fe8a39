/**
 * DAG commands: AI.DAGEXECUTE, AI.DAGEXECUTE_RO and the deprecated AI.DAGRUN, AI.DAGRUN_RO.
 * A request is parsed and resolved whole (`core/dag/`) before anything runs, executed across
 * the device run queues, and answered with one element per op; PERSIST keys are stored only
 * if every op succeeded.
 *
 * Arity is checked by the handler (the table says -1), because RedisAI words the DAG arity
 * errors itself ("missing arguments for 'AI.DAGEXECUTE' command"). All four are `blocking`,
 * so MULTI refuses them with RedisAI's text.
 */
import { command, CommandFlag, Handler } from "../command.ts";
import { executeDag } from "../dag/dag_executor.ts";
import { dagCommandName, DagForm, parseDag } from "../dag/dag_parser.ts";
import { finishDag } from "../dag/dag_reply.ts";
import { resolveDag } from "../dag/dag_resolver.ts";
import { tensorLimits } from "../tensor_parse.ts";
import { readTensor } from "./access.ts";
import { dagKeys } from "./ai_keys.ts";
import { modelOpParser, storeOutputs } from "./model.ts";
import { scriptOpParser } from "./script.ts";

function dagHandler(form: DagForm, readOnly: boolean): Handler {
  return (ctx, args) => {
    const config = ctx.server.config;
    const tensorBytesMax = config["dag-max-tensor-bytes"];
    const plan = resolveDag(parseDag(args, {
      form,
      readOnly,
      load: (key) => readTensor(ctx.db, key),
      model: modelOpParser(ctx, form),
      script: scriptOpParser(ctx, form),
      limits: { opsMax: config["dag-max-ops"], tensorBytesMax, tensor: tensorLimits(config) },
    }));
    const outcome = executeDag(plan, { now: ctx.server.now, tensorBytesMax });
    return outcome instanceof Promise
      ? outcome.then((done) => finishDag(ctx, plan, done, storeOutputs))
      : finishDag(ctx, plan, outcome, storeOutputs);
  };
}

function dagRow(form: DagForm, readOnly: boolean, summary: string) {
  const access: CommandFlag[] = readOnly ? ["readonly"] : ["write", "denyoom"];
  return command({
    name: dagCommandName(form, readOnly).toLowerCase(),
    arity: -1,
    flags: [...access, "module", "blocking", "movablekeys"],
    firstKey: 3,
    lastKey: 3,
    step: 1,
    keys: dagKeys,
    group: "module",
    summary,
    handler: dagHandler(form, readOnly),
  });
}

export const dagCommands = [
  dagRow("execute", false, "Runs a chain of tensor, model and script ops in one request."),
  dagRow("execute", true, "Runs a read-only chain of tensor and model ops (no PERSIST)."),
  dagRow("run", false, "Deprecated form of AI.DAGEXECUTE with AI.MODELRUN/AI.SCRIPTRUN ops."),
  dagRow("run", true, "Deprecated form of AI.DAGEXECUTE_RO."),
];
