/**
 * The `onnxruntime-node` provider: ONNX Runtime's native CPU library (the one inside the
 * onnxruntime-node package) driven through its C API (`native_api.ts`). Sessions live on the
 * main thread's side but every load and run executes on a native thread, so the event loop is
 * never blocked; an aborted run is stopped with ONNX Runtime's terminate flag and fails with
 * its own text (`Exiting due to terminate flag being set to true.`), as RedisAI's kill switch.
 *
 * Tensors cross in `native_tensors.ts`: inputs in place, outputs copied once.
 */
import { CommandError } from "../../core/errors.ts";
import type { Tensor } from "../../core/tensor.ts";
import type { Backend, LoadOptions, ModelSession, RunOptions, TensorSpec } from "../backend.ts";
import { checkOnnxModel } from "./model_check.ts";
import {
  check,
  cString,
  openOrtNative,
  OrtNative,
  outSlot,
  slotNumber,
  slotPointer,
} from "./native_api.ts";
import { EMPTY, fromOrtValue, pointerArray, toOrtValue, typeAndShape } from "./native_tensors.ts";
import { dtypeOfOnnxCode } from "./onnx_types.ts";
import { bundledNativeLibraryPath } from "./ort.ts";

export const NATIVE_PROVIDER = "onnxruntime-node";

const ONNX_TYPE_TENSOR = 1;
const GRAPH_OPTIMIZATION_ALL = 99;

const opened = new Map<string, OrtNative | Error>();
/** Argument arrays of runs in progress on native threads. */
const inFlight = new Set<BigUint64Array>();

/** Opens the runtime at `path` once per process; remembers a failure too. */
function openOnce(path: string): OrtNative | Error {
  let ort = opened.get(path);
  if (ort === undefined) {
    try {
      ort = openOrtNative(path);
    } catch (e) {
      ort = e instanceof Error ? e : new Error(String(e));
    }
    opened.set(path, ort);
  }
  return ort;
}

export class NativeOnnxBackend implements Backend {
  readonly name = NATIVE_PROVIDER;
  readonly #path: string | undefined;

  /** `libraryPath` names a libonnxruntime; empty means the one in onnxruntime-node. */
  constructor(libraryPath = "") {
    this.#path = libraryPath === "" ? bundledNativeLibraryPath() : libraryPath;
  }

  get version(): string | undefined {
    const ort = this.#path === undefined ? undefined : opened.get(this.#path);
    return ort instanceof Error ? undefined : ort?.version;
  }

  /** Why the runtime can't be used here, or `undefined` when it can. */
  unavailableReason(): string | undefined {
    if (this.#path === undefined) return "onnxruntime-node is not installed";
    const ort = openOnce(this.#path);
    return ort instanceof Error ? ort.message : undefined;
  }

  available(): Promise<boolean> {
    return Promise.resolve(this.unavailableReason() === undefined);
  }

  async load(blob: Uint8Array, options: LoadOptions): Promise<ModelSession> {
    const ort = this.#path === undefined ? undefined : openOnce(this.#path);
    if (ort === undefined || ort instanceof Error) {
      throw new CommandError(
        `ERR ${NATIVE_PROVIDER} is not available: ${this.unavailableReason()}`,
      );
    }
    checkOnnxModel(blob);
    const { fn } = ort;
    const slot = outSlot();
    check(ort, fn.CreateSessionOptions(slot));
    const sessionOptions = slotPointer(slot);
    try {
      check(ort, fn.SetIntraOpNumThreads(sessionOptions, Math.max(1, options.intraOpThreads)));
      if (options.interOpThreads > 0) {
        check(ort, fn.SetInterOpNumThreads(sessionOptions, options.interOpThreads));
      }
      check(ort, fn.SetSessionGraphOptimizationLevel(sessionOptions, GRAPH_OPTIMIZATION_ALL));
      // Spinning intra-op threads would take cores the event loop needs.
      const spin = cString("session.intra_op.allow_spinning");
      check(ort, fn.AddSessionConfigEntry(sessionOptions, spin, cString("0")));
      const data = blob.byteLength === 0
        ? Deno.UnsafePointer.of(EMPTY)
        : Deno.UnsafePointer.of(blob);
      const session = outSlot();
      check(
        ort,
        await fn.CreateSessionFromArray(
          ort.env,
          data,
          BigInt(blob.byteLength),
          sessionOptions,
          session,
        ),
      );
      return new NativeSession(ort, slotPointer(session));
    } finally {
      fn.ReleaseSessionOptions(sessionOptions);
    }
  }
}

class NativeSession implements ModelSession {
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
    const ort = this.#ort;
    const { fn } = ort;
    if (inputs.length !== this.inputs.length) {
      throw new CommandError(`ERR Expected ${this.inputs.length} inputs but got ${inputs.length}`);
    }
    const values: Deno.PointerObject[] = [];
    const outputs = new BigUint64Array(this.#fetchSlots.length);
    const slot = outSlot();
    check(ort, fn.CreateRunOptions(slot));
    const runOptions = slotPointer(slot);
    const terminate = () => check(ort, fn.RunOptionsSetTerminate(runOptions));
    try {
      for (const input of inputs) values.push(toOrtValue(ort, input));
      options.signal?.throwIfAborted();
      options.signal?.addEventListener("abort", terminate);
      const inputValues = pointerArray(values);
      // The runtime reads these on its own thread: keep them reachable until it is done.
      inFlight.add(inputValues);
      let status: Deno.PointerValue;
      try {
        status = await fn.Run(
          this.#session,
          runOptions,
          this.#inputNames,
          inputValues,
          BigInt(values.length),
          this.#fetchNames,
          BigInt(this.#fetchSlots.length),
          outputs,
        );
      } finally {
        inFlight.delete(inputValues);
      }
      check(ort, status);
      const result: (Tensor | undefined)[] = this.outputs.map(() => undefined);
      this.#fetchSlots.forEach((at, i) => {
        result[at] = fromOrtValue(ort, slotPointer(outputs.subarray(i, i + 1)), this.outputs[at]);
      });
      return result;
    } finally {
      options.signal?.removeEventListener("abort", terminate);
      for (const value of outputs) {
        const pointer = Deno.UnsafePointer.create(value);
        if (pointer !== null) fn.ReleaseValue(pointer);
      }
      for (const value of values) fn.ReleaseValue(value);
      fn.ReleaseRunOptions(runOptions);
    }
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#ort.fn.ReleaseSession(this.#session);
    }
    return Promise.resolve();
  }
}
