/**
 * Reply values: what handlers return and what the RESP writer and the HTTP layer render.
 * Handlers never touch sockets; RESP2/RESP3 differences are the writer's business.
 *
 * Encoding: `null` → nil, `number`/`bigint` → integer, `string` and `Uint8Array` → bulk string,
 * arrays → array. Wrapper classes mark the rest (simple strings, errors, maps, doubles, ...).
 */
import { CommandError } from "./errors.ts";

/** `+text`: a simple (status) string. */
export class Status {
  constructor(readonly text: string) {}
}

/** A map: RESP3 `%`, RESP2 a flat array of key, value, key, value... */
export class MapReply {
  constructor(readonly entries: ReadonlyArray<readonly [Reply, Reply]>) {}
}

/** A set: RESP3 `~`, RESP2 an array. */
export class SetReply {
  constructor(readonly items: readonly Reply[]) {}
}

/** A double: RESP3 `,`, RESP2 a bulk string in Redis's formatting. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** A boolean: RESP3 `#t`/`#f`, RESP2 the integer 1/0. */
export class BoolReply {
  constructor(readonly value: boolean) {}
}

/** Verbatim text (RESP3 `=txt:`), a bulk string under RESP2; INFO and CLIENT INFO use it. */
export class VerbatimReply {
  constructor(readonly text: string) {}
}

/** A RESP3 push (`>`), e.g. MONITOR lines; RESP2 sends the text as a simple string. */
export class PushReply {
  constructor(readonly items: readonly Reply[]) {}
}

/** The nil array (`*-1` under RESP2, `_` under RESP3): EXEC aborted by WATCH. */
export class NullArrayReply {
  private constructor() {}
  static readonly instance = new NullArrayReply();
}

export type Reply =
  | null
  | number
  | bigint
  | string
  | Uint8Array
  | readonly Reply[]
  | Status
  | CommandError
  | MapReply
  | SetReply
  | DoubleReply
  | BoolReply
  | VerbatimReply
  | PushReply
  | NullArrayReply;

export const OK = new Status("OK");
export const QUEUED = new Status("QUEUED");
export const PONG = new Status("PONG");
