/**
 * Key access shared by the data families (keys, strings, hashes, lists): read lookups that
 * count keyspace hits and misses as Redis's lookupKeyRead does, typed lookups that answer
 * WRONGTYPE, committing in-place mutations of aggregates with O(1) memory accounting, and
 * applying an absolute expiry time.
 */
import { errors } from "../errors.ts";
import { bytesToKey } from "../keys.ts";
import type { Db, Entry, EntryType } from "../keyspace.ts";
import { stringBytes } from "../keyspace.ts";
import type { Tensor } from "../tensor.ts";
import { tensorGetErrors } from "../tensor_reply.ts";

type EntryOf<T extends EntryType> = Extract<Entry, { type: T }>;

/** The key (a byte string) named by argument `i`. */
export function keyAt(args: readonly Uint8Array[], i: number): string {
  return bytesToKey(args[i] as Uint8Array);
}

/** Looks `key` up for reading, counting a keyspace hit or miss. */
export function readEntry(db: Db, key: string): Entry | undefined {
  const entry = db.get(key);
  if (entry === undefined) db.keyspace.keyspaceMisses.count++;
  else db.keyspace.keyspaceHits.count++;
  return entry;
}

/** Looks `key` up for reading; WRONGTYPE when it holds another type. */
export function readTyped<T extends EntryType>(
  db: Db,
  key: string,
  type: T,
): EntryOf<T> | undefined {
  const entry = readEntry(db, key);
  if (entry === undefined) return undefined;
  if (entry.type !== type) throw errors.wrongType();
  return entry as EntryOf<T>;
}

/** The tensor at `key`, read as RedisAI's commands read their inputs (a hit or miss counted). */
export function readTensor(db: Db, key: string): Tensor {
  const entry = readTyped(db, key, "tensor");
  if (entry === undefined) throw tensorGetErrors.empty();
  return entry.value;
}

/** A string entry holding `value` as is (the caller owns it). */
export function stringEntry(value: Uint8Array): EntryOf<"string"> {
  return { type: "string", value, bytes: stringBytes(value) };
}

/**
 * Stores an aggregate (hash, list) that a command created or changed in place by
 * `deltaBytes`: a new entry is added with its final size, an existing one is resized.
 */
export function commitAggregate(
  db: Db,
  key: string,
  entry: EntryOf<"hash" | "list">,
  created: boolean,
  deltaBytes: number,
): void {
  if (created) {
    entry.bytes += deltaBytes;
    db.set(key, entry);
  } else {
    db.resize(key, entry, entry.bytes + deltaBytes);
  }
}

/** Like `commitAggregate`, but deletes the key once the aggregate is empty (as Redis does). */
export function commitShrunk(
  db: Db,
  key: string,
  entry: EntryOf<"hash" | "list">,
  size: number,
  deltaBytes: number,
): void {
  if (size === 0) db.delete(key);
  else db.resize(key, entry, entry.bytes + deltaBytes);
}

/** Gives an existing `key` the absolute expiry `atMs`, deleting it when that has passed. */
export function expireAt(db: Db, key: string, atMs: number): void {
  if (atMs <= db.keyspace.now()) db.delete(key);
  else db.setExpire(key, atMs);
}
