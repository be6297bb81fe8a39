/**
 * The keyspace: 16 databases of typed entries with expiry, WATCH invalidation, memory
 * accounting and a change counter for persistence.
 *
 * Invariants: every write goes through `Db.set`, `Db.delete` or `Db.touch` so watchers, the
 * change counter and `usedBytes` stay exact; an expired key is never returned.
 */
import { CommandError, errors } from "./errors.ts";
import type { PackedList } from "./packed_list.ts";
import type { Tensor } from "./tensor.ts";
import type { ScriptValue } from "./script_value.ts";
import type { ModelValue } from "./model_value.ts";
import { globMatch } from "./glob.ts";

/**
 * Byte values (strings, hash values) are replaced, never changed in place: a background save
 * shares them (it copies only the Map containers). A list's elements live packed in node
 * buffers that commands do change in place, so a save clones the list (`PackedList.clone`,
 * one buffer copy per node).
 */
interface EntryValues {
  string: Uint8Array;
  hash: Map<string, Uint8Array>;
  list: PackedList;
  tensor: Tensor;
  script: ScriptValue;
  model: ModelValue;
}

export type EntryType = keyof EntryValues;

export type Entry = {
  [T in EntryType]: {
    readonly type: T;
    value: EntryValues[T];
    bytes: number;
    /** When the key was last written or read (`Keyspace.lruClockMs`), for OBJECT IDLETIME. */
    lru?: number;
  };
}[
  EntryType
];

/** The name TYPE and SCAN TYPE use for each entry type. */
export const TYPE_NAMES: Readonly<Record<EntryType, string>> = {
  string: "string",
  hash: "hash",
  list: "list",
  tensor: "AI_TENSOR",
  script: "AI_SCRIPT",
  model: "AI__MODEL",
};

/** Fixed bookkeeping cost charged per key, in the spirit of Redis's dictEntry + robj. */
const KEY_OVERHEAD_BYTES = 48;

/** Someone interested in writes to a key (a client's WATCH). */
export interface Watcher {
  markDirty(): void;
}

/** Called for every applied write (the append-only log and replication hang here). */
export type ChangeListener = (db: number, key: string | undefined) => void;

export class Keyspace {
  readonly dbs: Db[];
  usedBytes = 0;
  maxmemoryBytes = 0;
  /** Writes since start-up (persistence keeps its own baseline for save points). */
  changes = 0;
  readonly expiredKeys = { count: 0 };
  readonly keyspaceHits = { count: 0 };
  readonly keyspaceMisses = { count: 0 };
  /**
   * The clock entries' access times are read from, refreshed by `tickClock` (the active-expire
   * cron), as Redis's cached LRU clock: an access costs no clock read.
   */
  lruClockMs: number;

  constructor(dbCount = 16, readonly now: () => number = Date.now) {
    this.dbs = Array.from({ length: dbCount }, (_, i) => new Db(this, i));
    this.lruClockMs = now();
  }

  tickClock(): void {
    this.lruClockMs = this.now();
  }

  db(index: number): Db {
    const db = this.dbs[index];
    if (db === undefined) throw errors.dbIndex();
    return db;
  }

  /** Refuses a write that would grow memory past `maxmemory` (Redis's deny-oom). */
  checkMemory(extraBytes = 0): void {
    if (this.maxmemoryBytes > 0 && this.usedBytes + extraBytes > this.maxmemoryBytes) {
      throw errors.oom();
    }
  }

  /** Removes a batch of expired keys from each database; returns how many were removed. */
  activeExpire(sampleMax = 20): number {
    this.tickClock();
    let removed = 0;
    for (const db of this.dbs) removed += db.expireSample(sampleMax);
    return removed;
  }

  /**
   * SWAPDB: databases `a` and `b` exchange their keys and TTLs. Clients and their WATCHes stay
   * with the index; a watched key that exists on either side counts as changed, as in Redis.
   */
  swap(a: Db, b: Db): void {
    [a.entries, b.entries] = [b.entries, a.entries];
    [a.expires, b.expires] = [b.expires, a.expires];
    a.touchWatched(b);
    b.touchWatched(a);
    this.changes++;
  }

  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}

export class Db {
  /** Replaced only by `Keyspace.swap` (SWAPDB): hold no reference across commands. */
  entries = new Map<string, Entry>();
  expires = new Map<string, number>();
  readonly watchers = new Map<string, Set<Watcher>>();

  constructor(readonly keyspace: Keyspace, readonly index: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live entry at `key`, expiring it first if its time has passed; counts as an access. */
  get(key: string): Entry | undefined {
    const entry = this.peek(key);
    if (entry !== undefined) entry.lru = this.keyspace.lruClockMs;
    return entry;
  }

  /** Like `get`, but leaves the access time alone (OBJECT, MEMORY USAGE, KEYS). */
  peek(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.expires.size > 0) {
      const at = this.expires.get(key);
      if (at !== undefined && at <= this.keyspace.now()) {
        this.expire(key);
        return undefined;
      }
    }
    return entry;
  }

  /** The entry at `key` if it has type `type`; WRONGTYPE if another type is there. */
  getTyped<T extends EntryType>(key: string, type: T): Extract<Entry, { type: T }> | undefined {
    const entry = this.get(key);
    if (entry === undefined) return undefined;
    if (entry.type !== type) throw errors.wrongType();
    return entry as Extract<Entry, { type: T }>;
  }

  /** Stores `entry` at `key`, dropping any TTL unless `keepTtl`. */
  set(key: string, entry: Entry, keepTtl = false): void {
    const ks = this.keyspace;
    const old = this.entries.get(key);
    ks.usedBytes += entry.bytes +
      (old === undefined ? key.length + KEY_OVERHEAD_BYTES : -old.bytes);
    entry.lru = ks.lruClockMs;
    this.entries.set(key, entry);
    if (!keepTtl) this.expires.delete(key);
    this.touch(key);
  }

  /** Adjusts the accounted size of an entry mutated in place, and signals the write. */
  resize(key: string, entry: Entry, bytes: number): void {
    this.keyspace.usedBytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.touch(key);
  }

  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    this.remove(key);
    this.touch(key);
    return true;
  }

  /** Signals a write to `key`: WATCH invalidation and the change counter. */
  touch(key: string): void {
    this.keyspace.changes++;
    const set = this.watchers.get(key);
    if (set !== undefined) { for (const w of set) w.markDirty(); }
  }

  /**
   * Marks the watchers of keys that exist here or in `other` (SWAPDB's other database), as
   * Redis's touchAllWatchedKeysInDb: emptying or swapping a database changes no missing key.
   */
  touchWatched(other?: Db): void {
    for (const [key, set] of this.watchers) {
      if (!this.entries.has(key) && other?.entries.has(key) !== true) continue;
      for (const w of set) w.markDirty();
    }
  }

  ttlAt(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpire(key: string, atMs: number): void {
    this.expires.set(key, atMs);
    this.touch(key);
  }

  persist(key: string): boolean {
    const had = this.expires.delete(key);
    if (had) this.touch(key);
    return had;
  }

  flush(): void {
    this.touchWatched();
    for (const key of this.entries.keys()) this.remove(key);
    this.keyspace.changes++;
  }

  /** Live keys matching an optional pattern and type, in insertion order. */
  *keys(pattern?: string, type?: string): Generator<string> {
    for (const [key, entry] of this.entries) {
      if (this.peek(key) === undefined) continue;
      if (type !== undefined && TYPE_NAMES[entry.type].toLowerCase() !== type) continue;
      if (pattern !== undefined && pattern !== "*" && !globMatch(pattern, key)) continue;
      yield key;
    }
  }

  watch(key: string, watcher: Watcher): void {
    let set = this.watchers.get(key);
    if (set === undefined) this.watchers.set(key, set = new Set());
    set.add(watcher);
  }

  unwatch(key: string, watcher: Watcher): void {
    const set = this.watchers.get(key);
    if (set === undefined) return;
    set.delete(watcher);
    if (set.size === 0) this.watchers.delete(key);
  }

  /** Checks up to `sampleMax` keys with a TTL and removes the expired ones. */
  expireSample(sampleMax: number): number {
    if (this.expires.size === 0) return 0;
    const now = this.keyspace.now();
    let removed = 0;
    let seen = 0;
    for (const [key, at] of this.expires) {
      if (seen++ >= sampleMax) break;
      if (at <= now) {
        this.expire(key);
        removed++;
      }
    }
    return removed;
  }

  private expire(key: string): void {
    this.remove(key);
    this.keyspace.expiredKeys.count++;
    this.touch(key);
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.keyspace.usedBytes -= keyUsageBytes(key, old);
    this.entries.delete(key);
    this.expires.delete(key);
  }
}

/** What `key` and its entry are accounted as, bookkeeping included (MEMORY USAGE). */
export function keyUsageBytes(key: string, entry: Entry): number {
  return entry.bytes + key.length + KEY_OVERHEAD_BYTES;
}

/** Size estimate of a string value. */
export function stringBytes(value: Uint8Array): number {
  return value.byteLength + 16;
}

/** Size estimate of an empty hash or list. */
export const AGGREGATE_BYTES = 64;

/** Size estimate of a whole hash; commands adjust it per field with `hashFieldBytes`. */
export function hashBytes(value: Map<string, Uint8Array>): number {
  let n = AGGREGATE_BYTES;
  for (const [field, v] of value) n += hashFieldBytes(field, v);
  return n;
}

/** Size estimate of one hash field and its value. */
export function hashFieldBytes(field: string, value: Uint8Array): number {
  return field.length + value.byteLength + 32;
}

/** Size estimate of a list: its elements plus a fixed cost each, in O(1). */
export function listBytes(value: PackedList): number {
  return AGGREGATE_BYTES + value.byteLength + value.length * LIST_ITEM_OVERHEAD_BYTES;
}

/** Fixed cost charged per list element. */
const LIST_ITEM_OVERHEAD_BYTES = 16;

export { CommandError };
