/**
 * The one home of wire errors. A `CommandError` carries Redis's full error line (code first,
 * e.g. `ERR ...`, `WRONGTYPE ...`, or a RedisAI text with no code) and an HTTP-facing kind.
 * Texts copy Redis and RedisAI exactly; CR/LF from user input is blanked so it cannot break
 * RESP framing. Programmer errors are `assert`s, never a `CommandError`.
 */

/** Coarse classes of failure; HTTP maps each to a status in one table. */
export type ErrorKind =
  | "bad_request"
  | "not_found"
  | "wrong_type"
  | "auth"
  | "oom"
  | "busy"
  | "timeout"
  | "unavailable"
  | "internal";

export class CommandError extends Error {
  readonly kind: ErrorKind;
  constructor(line: string, kind: ErrorKind = "bad_request") {
    super(blankNewlines(line));
    this.kind = kind;
  }
}

/** Replaces CR and LF with spaces (what RedisAI's `RAI_Chomp` and Redis do to user text). */
export function blankNewlines(text: string): string {
  return text.replace(/[\r\n]/g, " ");
}

/** Throws a programmer error; never reaches a client as `-ERR`. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(`inferdb internal: ${message}`);
}

export const errors = {
  wrongType: () =>
    new CommandError(
      "WRONGTYPE Operation against a key holding the wrong kind of value",
      "wrong_type",
    ),
  syntax: () => new CommandError("ERR syntax error"),
  notInteger: () => new CommandError("ERR value is not an integer or out of range"),
  notFloat: () => new CommandError("ERR value is not a valid float"),
  noSuchKey: () => new CommandError("ERR no such key", "not_found"),
  overflow: () => new CommandError("ERR increment or decrement would overflow"),
  arity: (name: string) => new CommandError(`ERR wrong number of arguments for '${name}' command`),
  unknownCommand: (name: string, args: string[]) =>
    new CommandError(
      `ERR unknown command '${clip(name)}', with args beginning with: ${argsBeginning(args)}`,
    ),
  unknownSubcommand: (sub: string, cmd: string) =>
    new CommandError(
      `ERR unknown subcommand '${clip(sub)}'. Try ${cmd.toUpperCase()} HELP.`,
    ),
  /** A refused EXEC: the refusal's text after EXECABORT's, less a leading `ERR `. */
  execAbort: (cause: CommandError) =>
    new CommandError(
      `EXECABORT Transaction discarded because of: ${cause.message.replace(/^ERR /, "")}`,
      cause.kind,
    ),
  noAuth: () => new CommandError("NOAUTH Authentication required.", "auth"),
  notInMulti: () => new CommandError("ERR Command not allowed inside a transaction"),
  badClientName: () =>
    new CommandError("ERR Client names cannot contain spaces, newlines or special characters."),
  helloNoAuth: () =>
    new CommandError(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
      "auth",
    ),
  /** One-argument AUTH while the default user has no password (Redis 7's nopass default). */
  noPasswordConfigured: () =>
    new CommandError(
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
    ),
  wrongPass: () =>
    new CommandError(
      "WRONGPASS invalid username-password pair or user is disabled.",
      "auth",
    ),
  oom: () => new CommandError("OOM command not allowed when used memory > 'maxmemory'.", "oom"),
  dbIndex: () => new CommandError("ERR DB index is out of range"),
  sameObject: () => new CommandError("ERR source and destination objects are the same"),
  /** Redis's getRangeLongFromObjectOrReply wording. */
  rangeBetween: (min: bigint, max: bigint) =>
    new CommandError(`ERR value is out of range, value must between ${min} and ${max}`),
  loading: () => new CommandError("LOADING Redis is loading the dataset in memory", "unavailable"),
  invalidExpire: (cmd: string) => new CommandError(`ERR invalid expire time in '${cmd}' command`),
  indexRange: () => new CommandError("ERR index out of range"),
  lposRankZero: () =>
    new CommandError(
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or " +
        "use negative to start from the end of the list",
    ),
  lfuNotSelected: () =>
    new CommandError(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note " +
        "that when switching between policies at runtime LRU and LFU data will take some time " +
        "to adjust.",
    ),
} as const;

/** User text as Redis's `%.128s` prints it: up to a NUL byte, at most 128 characters. */
function clip(text: string, max = 128): string {
  const nul = text.indexOf("\0");
  return (nul < 0 ? text : text.slice(0, nul)).slice(0, max);
}

/** Quoted arguments until the list reaches 128 characters, each clipped to what is left. */
function argsBeginning(args: readonly string[]): string {
  let out = "";
  for (const arg of args) {
    if (out.length >= 128) break;
    out += `'${clip(arg, 128 - out.length)}' `;
  }
  return out;
}
