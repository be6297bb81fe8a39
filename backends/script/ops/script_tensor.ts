/**
 * The tensor value scripts compute with: a core `Tensor` whose storage a script may write
 * (`t[0] = 1.0`). Tensors that came from outside (the keyspace, a model) are `shared`: their
 * storage is copied before the first write, so a script never changes a stored tensor.
 * View-like ops (reshape, unsqueeze, ...) share storage between results, as PyTorch's views do.
 *
 * Every allocation goes through `allocate`, which charges the active memory budget (set per
 * script call with `withMemoryBudget`); storage is a SharedArrayBuffer so results reach the
 * main thread without a copy. Element values are read as numbers (`numbers`): INT64 goes
 * through doubles, exact up to 2^53.
 *
 * Storage may live off the host (a GPU buffer, see `backends/script/gpu/`): such a tensor is
 * built over a `LazyStorage` and its host copy is read on first use of `data`, once for every
 * tensor sharing that storage. Copies of host storage kept elsewhere are dropped before an
 * in-place write (`own()` tells the active `StorageWatcher`), so no stale copy is ever read.
 */
import { DType, DTYPES, NumericData } from "../../../core/dtype.ts";
import { elementCount, Tensor } from "../../../core/tensor.ts";
import { ScriptError, ScriptLimitError } from "../source_error.ts";

/** Storage that lives off the host until `read()` brings it over (the same array every call). */
export interface LazyStorage {
  read(): NumericData;
}

export class ScriptTensor implements Tensor {
  #data: NumericData | LazyStorage;
  readonly size: number;

  constructor(
    public dtype: DType,
    public shape: readonly number[],
    data: NumericData | LazyStorage,
    /** Storage belongs to someone else: copy before writing. */
    public shared = false,
  ) {
    this.#data = data;
    this.size = ArrayBuffer.isView(data) ? data.length : elementCount(shape);
  }

  /** Wraps an outside tensor without copying it. */
  static of(t: Tensor): ScriptTensor {
    if (t instanceof ScriptTensor) return t;
    if (t.dtype === "STRING") throw opError("STRING tensors cannot be used in scripts");
    return new ScriptTensor(t.dtype, t.shape, t.data, true);
  }

  /** The elements on the host (read over from lazy storage on first use). */
  get data(): NumericData {
    const data = this.#data;
    if (ArrayBuffer.isView(data)) return data;
    const host = data.read();
    this.#data = host;
    return host;
  }

  /** A plain `Tensor` of the elements on the host (what may cross a thread boundary). */
  plain(): Tensor {
    return { dtype: this.dtype, shape: this.shape, data: this.data };
  }

  /** A tensor of another shape (same element count) over the same storage, wherever it is. */
  view(shape: readonly number[]): ScriptTensor {
    return new ScriptTensor(this.dtype, shape, this.#data, this.shared);
  }

  /** The off-host storage, while its host copy has not been read through this tensor. */
  get lazy(): LazyStorage | undefined {
    const data = this.#data;
    return ArrayBuffer.isView(data) ? undefined : data;
  }

  /** Makes the storage private before an in-place write. */
  own(): void {
    if (!this.shared) {
      watcher?.written(this.data);
      return;
    }
    const copy = allocate(this.dtype, this.data.length);
    if (copy instanceof BigInt64Array) copy.set(this.data as BigInt64Array);
    else (copy as Float64Array).set(this.data as Float64Array);
    this.#data = copy;
    this.shared = false;
  }
}

/** Told before host storage is written in place (it drops its copies of that storage). */
export interface StorageWatcher {
  written(data: NumericData): void;
}

let watcher: StorageWatcher | undefined;

/** Runs `fn` with `w` told of every in-place write (script calls are synchronous). */
export function withStorageWatcher<T>(w: StorageWatcher, fn: () => T): T {
  const outer = watcher;
  watcher = w;
  try {
    return fn();
  } finally {
    watcher = outer;
  }
}

/** Bytes a script call may still allocate for tensors and lists. */
export interface MemoryBudget {
  bytesLeft: number;
  /** Multiply-adds and comparisons left for super-linear ops (matmul, sort). */
  workLeft: number;
  /** Largest single allocation. */
  readonly allocBytesMax: number;
}

let budget: MemoryBudget | undefined;

/** Runs `fn` with `b` charged for every allocation (script calls are synchronous). */
export function withMemoryBudget<T>(b: MemoryBudget, fn: () => T): T {
  const outer = budget;
  budget = b;
  try {
    return fn();
  } finally {
    budget = outer;
  }
}

/** Charges `bytes` to the active budget, or throws the out-of-memory error. */
export function charge(bytes: number): void {
  if (budget === undefined) return;
  if (bytes > budget.allocBytesMax || bytes > budget.bytesLeft) {
    throw new ScriptLimitError(
      `script memory limit exceeded: cannot allocate ${bytes} bytes ` +
        `(limit ${budget.allocBytesMax} bytes per allocation, ${
          Math.max(0, budget.bytesLeft)
        } bytes left for this call)`,
    );
  }
  budget.bytesLeft -= bytes;
}

/** Charges `units` of super-linear work (allocation bounds the rest of the ops' time). */
export function chargeWork(units: number): void {
  if (budget === undefined) return;
  if (units > budget.workLeft) {
    throw new ScriptLimitError(`script compute limit exceeded: ${units} more operations`);
  }
  budget.workLeft -= units;
}

/** Zeroed storage for `count` elements of `dtype`. */
export function allocate(dtype: DType, count: number): NumericData {
  charge(storageBytes(dtype, count));
  return uncharged(dtype, count);
}

/** Bytes `count` elements of `dtype` take (what `allocate` charges). */
export function storageBytes(dtype: DType, count: number): number {
  const info = DTYPES[dtype];
  if (info.kind === "string") throw opError("STRING tensors cannot be created in scripts");
  if (!Number.isSafeInteger(count) || count < 0) {
    throw opError(`invalid tensor size ${count}`);
  }
  return count * info.bytes;
}

/** Zeroed storage already charged for (the host copy of a tensor computed elsewhere). */
export function uncharged(dtype: DType, count: number): NumericData {
  return DTYPES[dtype].view(new SharedArrayBuffer(storageBytes(dtype, count)), 0, count);
}

/** A charged temporary array of `count` doubles. */
export function scratch(count: number): Float64Array {
  charge(count * 8);
  return new Float64Array(count);
}

/** Typed storage that takes numbers directly (everything but INT64). */
export type NumberArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array;

/** A new tensor being written: fill `values`, then call `done()`. */
export interface Output {
  readonly values: NumberArray;
  done(): ScriptTensor;
}

/**
 * Storage for a new tensor that ops write as numbers. INT64 goes through a charged double
 * scratch array converted on `done()`; BOOL writers must write 0 or 1.
 */
export function output(dtype: DType, shape: readonly number[]): Output {
  const count = elementCount(shape);
  const data = allocate(dtype, count);
  if (!(data instanceof BigInt64Array)) {
    return { values: data, done: () => new ScriptTensor(dtype, shape, data) };
  }
  const values = scratch(count);
  return {
    values,
    done: () => {
      store(data, dtype, values);
      return new ScriptTensor(dtype, shape, data);
    },
  };
}

/** Writes numbers into typed storage with C-cast semantics (truncation, BOOL as x != 0). */
export function store(data: NumericData, dtype: DType, values: ArrayLike<number>): void {
  const n = data.length;
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) data[i] = toBigInt(values[i] as number);
  } else if (dtype === "BOOL") {
    for (let i = 0; i < n; i++) data[i] = (values[i] as number) !== 0 ? 1 : 0;
  } else {
    (data as Float64Array).set(values);
  }
}

/** One number into typed storage at `i`, with the same conversion as `store`. */
export function storeAt(data: NumericData, dtype: DType, i: number, v: number): void {
  if (data instanceof BigInt64Array) data[i] = toBigInt(v);
  else data[i] = dtype === "BOOL" ? (v !== 0 ? 1 : 0) : v;
}

const INT64_MIN = -9223372036854775808n;

function toBigInt(v: number): bigint {
  if (!Number.isFinite(v) || Math.abs(v) >= 9223372036854775807) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

/** Element values as numbers (INT64 converted; other storage returned as is). */
export function numbers(t: Tensor): ArrayLike<number> {
  const data = t.data;
  if (data instanceof BigInt64Array) {
    const out = scratch(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return data as ArrayLike<number>;
}

export function isFloating(dtype: DType): boolean {
  return DTYPES[dtype].kind === "float";
}

export function isIntegral(dtype: DType): boolean {
  const kind = DTYPES[dtype].kind;
  return kind === "int" || kind === "uint";
}

const TORCH_NAMES: Readonly<Record<DType, string>> = {
  FLOAT: "Float",
  DOUBLE: "Double",
  INT8: "Char",
  INT16: "Short",
  INT32: "Int",
  INT64: "Long",
  UINT8: "Byte",
  UINT16: "UInt16",
  BOOL: "Bool",
  STRING: "String",
};

/** PyTorch's ScalarType name (`Float`, `Long`), as its error messages print it. */
export function torchTypeName(dtype: DType): string {
  return TORCH_NAMES[dtype];
}

/** The tensor's shape as PyTorch prints it: `[2, 3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A runtime error raised by a tensor op (the interpreter adds the location). */
export function opError(message: string): ScriptError {
  return new ScriptError(message, undefined);
}
