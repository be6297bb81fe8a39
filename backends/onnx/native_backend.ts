/**
 * The `onnxruntime-node` provider: ONNX Runtime's native CPU library (the one inside the
 * onnxruntime-node package) driven through its C API (`native_api.ts`). Loading builds the
 * session on a native thread, so the event loop is never blocked; the sessions
 * (`native_session.ts`) run there too, short runs excepted.
 */
import { CommandError } from "../../core/errors.ts";
import type { Backend, LoadOptions, ModelSession } from "../backend.ts";
import { checkOnnxModel } from "./model_check.ts";
import { check, cString, openOrtNative, OrtNative, outSlot, slotPointer } from "./native_api.ts";
import { NATIVE_PROVIDER, NativeSession } from "./native_session.ts";
import { EMPTY } from "./native_tensors.ts";
import { bundledNativeLibraryPath } from "./ort.ts";

export { NATIVE_PROVIDER };

const GRAPH_OPTIMIZATION_ALL = 99;

const opened = new Map<string, OrtNative | Error>();
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
