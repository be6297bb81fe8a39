/**
 * How each entry type is captured, written and read back: one row per `EntryType`. The table's
 * type requires a row for every member of the keyspace's `Entry` union, so adding a type to
 * `core/keyspace.ts` is a compile error here until its row exists.
 *
 * A row splits a value into a small `head` (msgpack), large `blobs` (streamed as raw frames,
 * read back straight into their final storage) and many small `items` (streamed in bounded
 * batches). Decoders may be async: models and scripts are re-created (compiled, sessions
 * loaded) from their stored bytes and options. The file's type tag is the `EntryType` name,
 * so those names are part of the format.
 */
import { DTYPES } from "../dtype.ts";
import type { DType } from "../dtype.ts";
import type { Entry, EntryType } from "../keyspace.ts";
import { hashBytes, listBytes, stringBytes } from "../keyspace.ts";
import { PackedList } from "../packed_list.ts";
import { createScript, scriptEntryBytes } from "../script_value.ts";
import { BACKEND_NAMES, createModel, modelEntryBytes } from "../model_value.ts";
import type { ServerState } from "../server_state.ts";
import {
  elementCount,
  numericTensor,
  stringOffsets,
  stringTensor,
  tensorBytes,
  tensorEntryBytes,
} from "../tensor.ts";
import { asArray, asBytes, asBytesArray, asCount, asString, RecordShapeError } from "./codec.ts";

export type EntryOf<T extends EntryType> = Extract<Entry, { type: T }>;
export type ValueOf<T extends EntryType> = EntryOf<T>["value"];

/** An entry as it goes into a file. */
export interface EncodedEntry {
  /** Small metadata (msgpack): a tensor's dtype and shape, a model's options. */
  readonly head: unknown;
  /** Large byte payloads, written as blob frames of at most 1 MiB. */
  readonly blobs: readonly Uint8Array[];
  /** Small items (hash fields and values, list elements), written in bounded batches. */
  readonly items: Iterable<unknown>;
  readonly itemCount: number;
}

/** An entry as read back: its blobs are in their final storage. */
export interface DecodedEntry {
  readonly head: unknown;
  readonly blobs: readonly Uint8Array[];
  readonly items: readonly unknown[];
}

/** What a decoder may use to re-create a value (a model's backend session). */
export interface LoadContext {
  readonly server: ServerState;
}

export interface EntryCodec<T extends EntryType> {
  /** Read blobs into SharedArrayBuffers (tensor storage that workers read in place). */
  readonly sharedBlobs: boolean;
  /** Copies whatever commands mutate in place, so a background save sees one point in time. */
  capture(value: ValueOf<T>): ValueOf<T>;
  encode(value: ValueOf<T>): EncodedEntry;
  decode(parts: DecodedEntry, ctx: LoadContext): EntryOf<T> | Promise<EntryOf<T>>;
}

const NO_ITEMS = { items: [], itemCount: 0 } as const;

function only<T>(values: readonly T[], what: string): T {
  const value = values[0];
  if (values.length !== 1 || value === undefined) throw new RecordShapeError(`expected ${what}`);
  return value;
}

function* hashItems(value: Map<string, Uint8Array>): Generator<unknown> {
  for (const [field, v] of value) {
    yield field;
    yield v;
  }
}

function decodeTensor({ head, blobs }: DecodedEntry): EntryOf<"tensor"> {
  const [dtypeName, shapeRaw] = asArray(head, "a tensor head");
  const name = asString(dtypeName, "a dtype");
  if (!Object.hasOwn(DTYPES, name)) throw new RecordShapeError(`unknown dtype ${name}`);
  const dtype = name as DType;
  const info = DTYPES[dtype];
  const shape = asArray(shapeRaw, "a shape").map((d) => asCount(d, "a dimension"));
  const blob = only(blobs, "one tensor blob");
  const count = elementCount(shape);
  let value;
  if (info.kind === "string") {
    const offsets = stringOffsets(blob, count);
    if (offsets === undefined) throw new RecordShapeError("STRING tensor elements don't match");
    value = stringTensor(shape, blob, offsets);
  } else {
    if (blob.byteLength !== count * info.bytes) throw new RecordShapeError("tensor size mismatch");
    value = numericTensor(dtype, shape, blob);
  }
  return { type: "tensor", value, bytes: tensorEntryBytes(value) };
}

export const ENTRY_CODECS: { readonly [T in EntryType]: EntryCodec<T> } = {
  // String values are replaced by the commands that change them, never mutated in place.
  string: {
    sharedBlobs: false,
    capture: (value) => value,
    encode: (value) => ({ head: null, blobs: [value], ...NO_ITEMS }),
    decode: ({ blobs }) => {
      const value = only(blobs, "one string blob");
      return { type: "string", value, bytes: stringBytes(value) };
    },
  },
  hash: {
    sharedBlobs: false,
    capture: (value) => new Map(value),
    encode: (value) => ({
      head: null,
      blobs: [],
      items: hashItems(value),
      itemCount: value.size * 2,
    }),
    decode: ({ items }) => {
      const value = new Map<string, Uint8Array>();
      for (let i = 0; i + 1 < items.length; i += 2) {
        value.set(asString(items[i], "a hash field"), asBytes(items[i + 1], "a hash value"));
      }
      return { type: "hash", value, bytes: hashBytes(value) };
    },
  },
  // Lists change their node buffers in place: a capture clones them. Encoding yields views,
  // so it must run on a capture or finish before the next command (as the log's does).
  list: {
    sharedBlobs: false,
    capture: (value) => value.clone(),
    encode: (value) => ({ head: null, blobs: [], items: value, itemCount: value.length }),
    decode: ({ items }) => {
      const value = PackedList.from(asBytesArray(items, "list elements"));
      return { type: "list", value, bytes: listBytes(value) };
    },
  },
  // Tensors are immutable once stored.
  tensor: {
    sharedBlobs: true,
    capture: (value) => value,
    encode: (t) => ({ head: [t.dtype, t.shape], blobs: [tensorBytes(t)], ...NO_ITEMS }),
    decode: decodeTensor,
  },
  // Scripts are immutable; loading compiles the source again.
  script: {
    sharedBlobs: false,
    capture: (value) => value,
    encode: (s) => ({ head: [s.device, s.tag, s.entryPoints], blobs: [s.source], ...NO_ITEMS }),
    decode: ({ head, blobs }) => {
      const [device, tag, entryPoints] = asArray(head, "a script head");
      const value = createScript({
        device: asString(device, "a device"),
        tag: asString(tag, "a tag"),
        source: only(blobs, "one script source"),
        entryPoints: asArray(entryPoints, "entry points").map((e) => asString(e, "an entry point")),
      });
      return { type: "script", value, bytes: scriptEntryBytes(value) };
    },
  },
  // Models are immutable; loading builds the backend session again.
  model: {
    sharedBlobs: true,
    capture: (value) => value,
    encode: (m) => ({
      head: [m.backend, m.device, m.tag, m.batchSize, m.minBatchSize, m.minBatchTimeoutMs],
      blobs: [m.blob],
      ...NO_ITEMS,
    }),
    decode: async ({ head, blobs }, { server }) => {
      const [backend, device, tag, batchSize, minBatchSize, minBatchTimeoutMs] = asArray(head);
      const name = asString(backend, "a backend");
      const known = BACKEND_NAMES.find((b) => b === name);
      if (known === undefined) throw new RecordShapeError(`unknown model backend ${name}`);
      const value = await createModel(server, {
        backend: known,
        device: asString(device, "a device"),
        tag: asString(tag, "a tag"),
        batchSize: asCount(batchSize),
        minBatchSize: asCount(minBatchSize),
        minBatchTimeoutMs: asCount(minBatchTimeoutMs),
      }, only(blobs, "one model blob"));
      return { type: "model", value, bytes: modelEntryBytes(value) };
    },
  },
};

/** The row for `type` (typed by the entry's own type). */
export function codecOf<T extends EntryType>(type: T): EntryCodec<T> {
  return ENTRY_CODECS[type];
}

/** Any row of the table. */
export type AnyEntryCodec = { [T in EntryType]: EntryCodec<T> }[EntryType];

/** The row for a type tag read from a file, or `undefined` for an unknown tag. */
export function codecForTag(tag: string): AnyEntryCodec | undefined {
  return Object.hasOwn(ENTRY_CODECS, tag) ? ENTRY_CODECS[tag as EntryType] : undefined;
}
