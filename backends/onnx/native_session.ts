/**
 * A model loaded in the native ONNX Runtime (`native_backend.ts` makes them): its declared
 * inputs and outputs, and runs. A run normally executes on one of the runtime's threads and
 * returns a Promise, so the event loop is never blocked; an aborted run is stopped with the
 * terminate flag and fails with ONNX Runtime's own text (`Exiting due to terminate flag being
 * set to true.`), as RedisAI's kill switch. Short runs skip the thread hop: they run inline,
 * on the event loop's thread, under the watchdog of `native_watchdog.ts` (which has the rule).
 *
 * Tensors cross in `native_tensors.ts`: inputs in place, outputs copied once.
 */
import { CommandError } from "../../core/errors.ts";
import { TERMINATED_TEXT } from "../../core/exec/session_host.ts";
import type { Tensor } from "../../core/tensor.ts";
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
    if (options.mayBlock === true && this.#times.short && this.#watchdog.ready) {
      const outputs = this.#runInline(inputs);
      if (outputs !== undefined) return outputs;
    }
    return await this.#runOffThread(inputs, options.signal);
  }

  /** A run on this thread, bounded by the watchdog; `undefined` when the watchdog stopped it. */
  #runInline(inputs: readonly Tensor[]): (Tensor | undefined)[] | undefined {
    const ort = this.#ort;
    const watchdog = this.#watchdog;
    const values = this.#inputValues(inputs);
    const outputs = new BigUint64Array(this.#fetchSlots.length);
    try {
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
        // Only the watchdog raises these run options' terminate flag (a Loop node wraps the
        // text in its own).
        if (e instanceof CommandError && e.message.endsWith(TERMINATED_TEXT)) return undefined;
        throw e;
      }
      return this.#collect(outputs);
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
      return this.#collect(outputs);
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

  /** One slot per declared output: the fetched tensors, copied out. */
  #collect(outputs: BigUint64Array): (Tensor | undefined)[] {
    const result: (Tensor | undefined)[] = this.outputs.map(() => undefined);
    this.#fetchSlots.forEach((at, i) => {
      result[at] = fromOrtValue(
        this.#ort,
        slotPointer(outputs.subarray(i, i + 1)),
        this.outputs[at],
      );
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
