/**
 * A model loaded in the native ONNX Runtime (`native_backend.ts` makes them): its declared
 * inputs and outputs, and runs. A run normally executes on one of the runtime's threads and
 * returns a Promise, so the event loop is never blocked; an aborted run is stopped with the
 * terminate flag and fails with ONNX Runtime's own text (`Exiting due to terminate flag being
 * set to true.`), as RedisAI's kill switch. Short runs skip the thread hop: they run inline,
 * on the event loop's thread, under the watchdog of `native_watchdog.ts` (which has the rule).
 *
 * Tensors cross in `native_tensors.ts`: inputs in place. An output whose type and shape the
 * model declares in full is written by the runtime straight into tensor storage given with the
 * run (no copy, and none of the calls that ask an output for its type and shape: at mnist's
 * size those were a sixth of the event loop's time per run); other outputs are copied once. A
 * model whose outputs turn out to differ from what it declares has that run made again
 * without, and is not given storage again.
 */
import { CommandError } from "../../core/errors.ts";
import { TERMINATED_TEXT } from "../../core/exec/session_host.ts";
import {
  allocTensorBytes,
  dtypeBytes,
  elementCount,
  numericTensor,
  type Tensor,
} from "../../core/tensor.ts";
import type { DType } from "../../core/dtype.ts";
import type { ModelSession, RunOptions, TensorSpec } from "../backend.ts";
import { check, cString, OrtNative, outSlot, slotNumber, slotPointer } from "./native_api.ts";
import { fromOrtValue, pointerArray, toOrtValue, typeAndShape } from "./native_tensors.ts";
import {
  holdInlineWatchdog,
  INLINE_RUN_MS_MAX,
  InlineWatchdog,
  releaseInlineWatchdog,
  RunTimes,
} from "./native_watchdog.ts";
import { dtypeOfOnnxCode } from "./onnx_types.ts";

export const NATIVE_PROVIDER = "onnxruntime-node";

const ONNX_TYPE_TENSOR = 1;

/** Argument arrays of runs in progress on native threads. */
const inFlight = new Set<BigUint64Array>();

export class NativeSession implements ModelSession {
  readonly provider = NATIVE_PROVIDER;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly #ort: OrtNative;
  readonly #session: Deno.PointerObject;
  /** C strings of the input names and of the tensor outputs fetched, kept alive for runs. */
  readonly #names: readonly Uint8Array[];
  readonly #inputNames: BigUint64Array;
  readonly #fetchNames: BigUint64Array;
  /** Output slot of each fetched output. */
  readonly #fetchSlots: readonly number[];
  /** Per fetched output: its tensor type when the model declares it in full, for storage. */
  readonly #declared: readonly (DeclaredOutput | undefined)[];
  /** Whether runs give the runtime storage for the declared outputs. */
  #preallocate: boolean;
  readonly #times = new RunTimes();
  readonly #watchdog: InlineWatchdog;
  #closed = false;

  constructor(ort: OrtNative, session: Deno.PointerObject) {
    this.#ort = ort;
    this.#session = session;
    this.inputs = this.#specs("input");
    this.outputs = this.#specs("output");
    const inputNames = this.inputs.map((s) => cString(s.name));
    this.#fetchSlots = this.outputs.flatMap((s, i) => s.dtype === undefined ? [] : [i]);
    const fetchNames = this.#fetchSlots.map((i) => cString(this.outputs[i]?.name ?? ""));
    this.#names = [...inputNames, ...fetchNames];
    this.#inputNames = pointerArray(inputNames.map((n) => Deno.UnsafePointer.of(n)));
    this.#fetchNames = pointerArray(fetchNames.map((n) => Deno.UnsafePointer.of(n)));
    this.#declared = this.#fetchSlots.map((at) => declaredOutput(this.outputs[at]));
    this.#preallocate = this.#declared.some((d) => d !== undefined);
    this.#watchdog = holdInlineWatchdog(ort);
  }

  #specs(kind: "input" | "output"): TensorSpec[] {
    const ort = this.#ort;
    const { fn } = ort;
    const count = outSlot();
    const getCount = kind === "input" ? fn.SessionGetInputCount : fn.SessionGetOutputCount;
    check(ort, getCount(this.#session, count));
    const getName = kind === "input" ? fn.SessionGetInputName : fn.SessionGetOutputName;
    const getType = kind === "input" ? fn.SessionGetInputTypeInfo : fn.SessionGetOutputTypeInfo;
    const specs: TensorSpec[] = [];
    for (let i = 0; i < slotNumber(count); i++) {
      const slot = outSlot();
      check(ort, getName(this.#session, BigInt(i), ort.allocator, slot));
      const namePointer = slotPointer(slot);
      const name = Deno.UnsafePointerView.getCString(namePointer);
      check(ort, fn.AllocatorFree(ort.allocator, namePointer));
      check(ort, getType(this.#session, BigInt(i), slot));
      const typeInfo = slotPointer(slot);
      try {
        specs.push({ name, ...this.#typeOf(typeInfo) });
      } finally {
        fn.ReleaseTypeInfo(typeInfo);
      }
    }
    return specs;
  }

  #typeOf(typeInfo: Deno.PointerObject): Omit<TensorSpec, "name"> {
    const ort = this.#ort;
    const slot = outSlot();
    check(ort, ort.fn.GetOnnxTypeFromTypeInfo(typeInfo, slot));
    if (slotNumber(slot) !== ONNX_TYPE_TENSOR) return { dtype: undefined, shape: undefined };
    check(ort, ort.fn.CastTypeInfoToTensorInfo(typeInfo, slot));
    const [code, dims] = typeAndShape(ort, slotPointer(slot));
    return { dtype: dtypeOfOnnxCode(code), shape: dims.map((d) => d < 0 ? null : d) };
  }

  async run(inputs: readonly Tensor[], options: RunOptions = {}): Promise<(Tensor | undefined)[]> {
    if (this.#closed) throw new Error("inferdb internal: run() on a closed session");
    if (inputs.length !== this.inputs.length) {
      throw new CommandError(`ERR Expected ${this.inputs.length} inputs but got ${inputs.length}`);
    }
    if (!this.#preallocate) return await this.#run(inputs, options, false);
    try {
      return await this.#run(inputs, options, true);
    } catch (e) {
      if (terminated(e)) throw e;
      // Made again with the runtime allocating outputs: if that works, the model's outputs
      // are not what it declares (bad inputs fail the same way again, and change nothing).
      const outputs = await this.#run(inputs, options, false);
      this.#preallocate = false;
      return outputs;
    }
  }

  async #run(
    inputs: readonly Tensor[],
    options: RunOptions,
    preallocate: boolean,
  ): Promise<(Tensor | undefined)[]> {
    if (options.mayBlock === true && this.#times.short && this.#watchdog.ready) {
      const outputs = this.#runInline(inputs, preallocate);
      if (outputs !== undefined) return outputs;
    }
    return await this.#runOffThread(inputs, options.signal, preallocate);
  }

  /** A run on this thread, bounded by the watchdog; `undefined` when the watchdog stopped it. */
  #runInline(inputs: readonly Tensor[], preallocate: boolean): (Tensor | undefined)[] | undefined {
    const ort = this.#ort;
    const watchdog = this.#watchdog;
    const values = this.#inputValues(inputs);
    const outputs = new BigUint64Array(this.#fetchSlots.length);
    try {
      const given = preallocate ? this.#giveOutputs(outputs) : [];
      const inputValues = pointerArray(values);
      const startMs = performance.now();
      const status = watchdog.guard(
        INLINE_RUN_MS_MAX,
        () => ort.fn.RunInline(...this.#runArgs(watchdog.runOptions, inputValues, outputs)),
      );
      this.#times.record(performance.now() - startMs);
      try {
        check(ort, status);
      } catch (e) {
        // Only the watchdog raises these run options' terminate flag.
        if (terminated(e)) return undefined;
        throw e;
      }
      return this.#collect(outputs, given);
    } finally {
      this.#release(values, outputs);
    }
  }

  /** The arguments of the C API's `Run` for this session (both symbols take the same). */
  #runArgs(runOptions: Deno.PointerObject, inputValues: BigUint64Array, outputs: BigUint64Array) {
    return [
      this.#session,
      runOptions,
      this.#inputNames,
      inputValues,
      BigInt(inputValues.length),
      this.#fetchNames,
      BigInt(this.#fetchSlots.length),
      outputs,
    ] as const;
  }

  /** A run on one of the runtime's threads; aborting `signal` raises its terminate flag. */
  async #runOffThread(
    inputs: readonly Tensor[],
    signal: AbortSignal | undefined,
    preallocate: boolean,
  ): Promise<(Tensor | undefined)[]> {
    const ort = this.#ort;
    const { fn } = ort;
    const slot = outSlot();
    check(ort, fn.CreateRunOptions(slot));
    const runOptions = slotPointer(slot);
    const terminate = () => check(ort, fn.RunOptionsSetTerminate(runOptions));
    let values: Deno.PointerObject[] = [];
    const outputs = new BigUint64Array(this.#fetchSlots.length);
    try {
      values = this.#inputValues(inputs);
      const given = preallocate ? this.#giveOutputs(outputs) : [];
      signal?.throwIfAborted();
      signal?.addEventListener("abort", terminate);
      const inputValues = pointerArray(values);
      // The runtime reads these on its own thread: keep them reachable until it is done.
      inFlight.add(inputValues);
      const startMs = performance.now();
      let status: Deno.PointerValue;
      try {
        status = await fn.Run(...this.#runArgs(runOptions, inputValues, outputs));
      } finally {
        inFlight.delete(inputValues);
      }
      this.#times.record(performance.now() - startMs, true);
      check(ort, status);
      return this.#collect(outputs, given);
    } finally {
      signal?.removeEventListener("abort", terminate);
      this.#release(values, outputs);
      fn.ReleaseRunOptions(runOptions);
    }
  }

  /** OrtValues over the inputs (released by `#release`, also when this throws midway). */
  #inputValues(inputs: readonly Tensor[]): Deno.PointerObject[] {
    const values: Deno.PointerObject[] = [];
    try {
      for (const input of inputs) values.push(toOrtValue(this.#ort, input));
    } catch (e) {
      this.#release(values, new BigUint64Array(0));
      throw e;
    }
    return values;
  }

  /**
   * Fresh tensors for the declared outputs, each put in `outputs` as an OrtValue over its
   * storage for the runtime to write into (released with the others by `#release`).
   */
  #giveOutputs(outputs: BigUint64Array): (Tensor | undefined)[] {
    return this.#declared.map((declared, i) => {
      if (declared === undefined) return undefined;
      const tensor = numericTensor(
        declared.dtype,
        declared.shape,
        allocTensorBytes(declared.bytes),
      );
      outputs[i] = BigInt(Deno.UnsafePointer.value(toOrtValue(this.#ort, tensor)));
      return tensor;
    });
  }

  /** One slot per declared output: the tensors given to the run, or the fetched ones copied. */
  #collect(
    outputs: BigUint64Array,
    given: readonly (Tensor | undefined)[],
  ): (Tensor | undefined)[] {
    const result: (Tensor | undefined)[] = this.outputs.map(() => undefined);
    this.#fetchSlots.forEach((at, i) => {
      result[at] = given[i] ??
        fromOrtValue(this.#ort, slotPointer(outputs.subarray(i, i + 1)), this.outputs[at]);
    });
    return result;
  }

  #release(values: readonly Deno.PointerObject[], outputs: BigUint64Array): void {
    const { fn } = this.#ort;
    for (const value of outputs) {
      const pointer = Deno.UnsafePointer.create(value);
      if (pointer !== null) fn.ReleaseValue(pointer);
    }
    for (const value of values) fn.ReleaseValue(value);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#ort.fn.ReleaseSession(this.#session);
      releaseInlineWatchdog();
    }
    return Promise.resolve();
  }
}

/** Whether `e` is a run stopped by its terminate flag (a Loop node wraps the text in its own). */
function terminated(e: unknown): boolean {
  return e instanceof CommandError && e.message.endsWith(TERMINATED_TEXT);
}

/** A fetched output's tensor type, declared in full by the model. */
interface DeclaredOutput {
  readonly dtype: Exclude<DType, "STRING">;
  readonly shape: number[];
  readonly bytes: number;
}

/** `spec` as a `DeclaredOutput`: a numeric type and every dimension known, not empty. */
function declaredOutput(spec: TensorSpec | undefined): DeclaredOutput | undefined {
  const dtype = spec?.dtype;
  const shape = spec?.shape;
  if (dtype === undefined || dtype === "STRING" || shape === undefined) return undefined;
  if (shape.some((d) => d === null)) return undefined;
  const dims = shape as number[];
  const bytes = elementCount(dims) * dtypeBytes(dtype);
  return bytes > 0 ? { dtype, shape: dims, bytes } : undefined;
}
