/**
 * Cursors for SCAN and HSCAN. Cursor 0 takes a snapshot of the names (keys of a database,
 * fields of a hash) and each later call walks that snapshot `count` names at a time, so a
 * name present for the whole scan is returned exactly once whatever is inserted or deleted
 * meanwhile; callers skip names that are gone by the time they are reached. A scan that fits
 * in one reply registers nothing.
 *
 * Limits: each owner keeps at most `CURSORS_MAX` live cursors, and the snapshots they hold
 * at most `SNAPSHOT_NAMES_MAX` names in all (beyond the newest); the oldest cursors are dropped
 * first, so abandoned scans cannot pin memory. A cursor is consumed by its use. An unknown,
 * dropped or consumed cursor reads as the end of the scan: Redis calls an invalid cursor
 * undefined behaviour, and ending is the safe choice.
 */
import { CommandError, errors } from "./errors.ts";
import { parseIndexArg } from "./int64.ts";
import { bytesToKey, keyword, text } from "./keys.ts";

export interface ScanOptions {
  /** A glob pattern over names, undefined for "all" (`MATCH *` included). */
  readonly pattern: string | undefined;
  readonly count: number;
  /** Lower-case type name (SCAN's TYPE), undefined for any type. */
  readonly type: string | undefined;
}

interface Position {
  readonly names: readonly string[];
  readonly offset: number;
}

const CURSORS_MAX = 1024;
/** Names (8-byte references to strings the keyspace already holds) kept across snapshots. */
const SNAPSHOT_NAMES_MAX = 4_000_000;
const CURSOR_MAX = 18446744073709551615n;
const COUNT_DEFAULT = 10;

/** One owner's live cursors and the snapshots they keep alive. */
class CursorTable {
  private readonly positions = new Map<number, Position>();
  /** Snapshot → how many live cursors point into it. */
  private readonly snapshots = new Map<readonly string[], number>();
  private names = 0;

  take(cursor: number): Position | undefined {
    const position = this.positions.get(cursor);
    if (position !== undefined) this.remove(cursor, position);
    return position;
  }

  add(cursor: number, position: Position): void {
    this.positions.set(cursor, position);
    const refs = this.snapshots.get(position.names) ?? 0;
    if (refs === 0) this.names += position.names.length;
    this.snapshots.set(position.names, refs + 1);
    for (const [oldest, old] of this.positions) {
      const over = this.positions.size > CURSORS_MAX ||
        (this.names > SNAPSHOT_NAMES_MAX && this.snapshots.size > 1);
      if (!over || oldest === cursor) break;
      this.remove(oldest, old);
    }
  }

  private remove(cursor: number, position: Position): void {
    this.positions.delete(cursor);
    const refs = (this.snapshots.get(position.names) ?? 1) - 1;
    if (refs > 0) {
      this.snapshots.set(position.names, refs);
    } else {
      this.snapshots.delete(position.names);
      this.names -= position.names.length;
    }
  }
}

const tables = new WeakMap<object, CursorTable>();
let nextCursor = 1;

/** Parses a cursor as Redis's string2ull does (`ERR invalid cursor` otherwise). */
export function parseScanCursor(arg: Uint8Array): number {
  const s = text(arg);
  if (!/^[+-]?\d{1,20}$/.test(s)) throw new CommandError("ERR invalid cursor");
  const value = BigInt(s);
  // strtoull accepts a sign and wraps a negative value around 2^64.
  const wrapped = value < 0n ? CURSOR_MAX + 1n + value : value;
  if (wrapped < 0n || wrapped > CURSOR_MAX) throw new CommandError("ERR invalid cursor");
  return Number(wrapped);
}

/** Parses `[MATCH pattern] [COUNT count] [TYPE type]` from `args[from]` on. */
export function parseScanOptions(
  args: readonly Uint8Array[],
  from: number,
  allowType: boolean,
): ScanOptions {
  let pattern: string | undefined;
  let count = COUNT_DEFAULT;
  let type: string | undefined;
  for (let i = from; i < args.length; i += 2) {
    const option = keyword(args[i] as Uint8Array);
    const value = args[i + 1];
    if (value === undefined) throw errors.syntax();
    if (option === "COUNT") {
      count = parseIndexArg(value);
      if (count < 1) throw errors.syntax();
    } else if (option === "MATCH") {
      const p = bytesToKey(value);
      pattern = p === "*" ? undefined : p;
    } else if (option === "TYPE" && allowType) {
      type = text(value).toLowerCase();
    } else {
      throw errors.syntax();
    }
  }
  return { pattern, count, type };
}

/**
 * One step of a scan over `owner`: up to `count` names and the next cursor (0 at the end).
 * `snapshot` is called only when a scan starts.
 */
export function scanStep(
  owner: object,
  cursor: number,
  count: number,
  snapshot: () => readonly string[],
): { readonly cursor: number; readonly names: readonly string[] } {
  let position: Position;
  if (cursor === 0) {
    position = { names: snapshot(), offset: 0 };
  } else {
    const found = tables.get(owner)?.take(cursor);
    if (found === undefined) return { cursor: 0, names: [] };
    position = found;
  }
  const { names, offset } = position;
  const end = Math.min(names.length, offset + count);
  const batch = offset === 0 && end === names.length ? names : names.slice(offset, end);
  if (end === names.length) return { cursor: 0, names: batch };
  let table = tables.get(owner);
  if (table === undefined) tables.set(owner, table = new CursorTable());
  const next = nextCursor++;
  table.add(next, { names, offset: end });
  return { cursor: next, names: batch };
}
