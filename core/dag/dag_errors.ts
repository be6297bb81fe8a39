/**
 * DAG error texts, verbatim from RedisAI's `dag_parser.c`, `dag_execute.c` and
 * `deprecated.c` (the double space in `Unexpected argument:  X` included; texts without `ERR`
 * stay without it), plus inferdb's own limit errors, worded like the tensor limits.
 */
import { CommandError } from "../errors.ts";

export const dagErrors = {
  /** AI.DAGEXECUTE[_RO] with fewer than 6 arguments. */
  missingArguments: (name: string) =>
    new CommandError(`ERR missing arguments for '${name}' command`),
  /** AI.DAGRUN[_RO] with fewer than 4 arguments. */
  arity: (name: string) => new CommandError(`ERR wrong number of arguments for '${name}' command`),
  loadMissing: () => new CommandError("ERR missing arguments after LOAD keyword in DAG command"),
  loadCount: () =>
    new CommandError("ERR invalid or negative value found in number of keys to LOAD"),
  loadMismatch: () =>
    new CommandError(
      "ERR number of keys to LOAD into DAG does not match the number of given arguments",
    ),
  persistMissing: () =>
    new CommandError("ERR missing arguments after PERSIST keyword in DAG command"),
  persistCount: () =>
    new CommandError("ERR invalid or negative value found in number of keys to PERSIST"),
  persistUnique: () => new CommandError("ERR PERSIST keys must be unique"),
  persistMismatch: () =>
    new CommandError(
      "ERR number of keys to PERSIST after DAG execution does not match the number of given arguments",
    ),
  persistReadOnly: () => new CommandError("ERR PERSIST cannot be specified in a read-only DAG"),
  routingMissing: () => new CommandError("ERR Missing ROUTING value"),
  timeoutMissing: () => new CommandError("ERR No value provided for TIMEOUT"),
  timeoutInvalid: () => new CommandError("ERR Invalid value for TIMEOUT"),
  unexpected: (token: string) =>
    new CommandError(`ERR Invalid DAG command. Unexpected argument:  ${token}`),
  keywordRequired: () =>
    new CommandError(
      "ERR AI.DAGEXECUTE and AI.DAGEXECUTE_RO commands must contain at least one out of ROUTING, LOAD, PERSIST keywords",
    ),
  empty: () => new CommandError("ERR DAG is empty"),
  scriptReadOnly: () =>
    new CommandError("ERR AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG"),
  deprecatedOp: (op: string) =>
    new CommandError(`Deprecated ${op} cannot be used in AI.DAGEXECUTE command`),
  newOpInDagRun: (op: string) =>
    new CommandError(`${op} cannot be used in a deprecated AI.DAGRUN command`),
  unsupportedOp: () => new CommandError("Unsupported command within DAG"),
  inputNotFound: () => new CommandError("ERR INPUT key cannot be found in DAG"),
  persistNotFound: () => new CommandError("ERR PERSIST key cannot be found in DAG"),
  opsLimit: (opsMax: number) =>
    new CommandError(`ERR DAG op count exceeds dag-max-ops (${opsMax})`),
  bytesLimit: (bytesMax: number) =>
    new CommandError(
      `ERR DAG intermediate tensors exceed dag-max-tensor-bytes (${bytesMax} bytes)`,
      "oom",
    ),
} as const;
