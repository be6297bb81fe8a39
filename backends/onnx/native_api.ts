/**
 * ONNX Runtime's C API through Deno FFI, over the `libonnxruntime` that ships inside the
 * onnxruntime-node package (or one named by `onnxruntime-lib`). Going through the C API rather
 * than onnxruntime-node's N-API addon buys three things the server needs: runs execute on a
 * native thread and return a Promise (`nonblocking`), so the event loop stays free; a run can
 * be stopped from outside with `RunOptionsSetTerminate` (MODEL_EXECUTION_TIMEOUT; Deno can't
 * terminate a Worker stuck in native or WASM code); and inputs are read in place, shared
 * memory included.
 *
 * The OrtApi table only ever grows, so the function indices below (from
 * `onnxruntime_c_api.h`) hold for every 1.x release that has them. `openOrtNative` checks the
 * table against a status round trip before trusting it.
 */
import { blankNewlines, CommandError } from "../../core/errors.ts";

/** The C API version requested; 1.30 serves every older table. */
const ORT_API_VERSION = 16;
/** Errors reach clients as replies; the runtime itself stays quiet on stderr. */
const LOG_LEVEL_FATAL = 4;

const P = "pointer" as const;
const B = "buffer" as const;

/** OrtApi function pointers used here: index in the table, then the C signature. */
const FUNCTIONS = {
  CreateStatus: [0, { parameters: ["i32", B], result: P }],
  GetErrorCode: [1, { parameters: [P], result: "i32" }],
  GetErrorMessage: [2, { parameters: [P], result: P }],
  CreateEnv: [3, { parameters: ["i32", B, B], result: P }],
  CreateSessionFromArray: [8, { parameters: [P, P, "usize", P, B], result: P, nonblocking: true }],
  Run: [9, { parameters: [P, P, B, B, "usize", B, "usize", B], result: P, nonblocking: true }],
  /** `Run` on the calling thread, for the short runs `native_watchdog.ts` bounds. */
  RunInline: [9, { parameters: [P, P, B, B, "usize", B, "usize", B], result: P }],
  CreateSessionOptions: [10, { parameters: [B], result: P }],
  SetSessionGraphOptimizationLevel: [23, { parameters: [P, "i32"], result: P }],
  SetIntraOpNumThreads: [24, { parameters: [P, "i32"], result: P }],
  SetInterOpNumThreads: [25, { parameters: [P, "i32"], result: P }],
  SessionGetInputCount: [30, { parameters: [P, B], result: P }],
  SessionGetOutputCount: [31, { parameters: [P, B], result: P }],
  SessionGetInputTypeInfo: [33, { parameters: [P, "usize", B], result: P }],
  SessionGetOutputTypeInfo: [34, { parameters: [P, "usize", B], result: P }],
  SessionGetInputName: [36, { parameters: [P, "usize", P, B], result: P }],
  SessionGetOutputName: [37, { parameters: [P, "usize", P, B], result: P }],
  CreateRunOptions: [39, { parameters: [B], result: P }],
  RunOptionsSetTerminate: [46, { parameters: [P], result: P }],
  RunOptionsUnsetTerminate: [47, { parameters: [P], result: P }],
  CreateTensorAsOrtValue: [48, { parameters: [P, B, "usize", "i32", B], result: P }],
  CreateTensorWithDataAsOrtValue: [49, {
    parameters: [P, P, "usize", B, "usize", "i32", B],
    result: P,
  }],
  GetTensorMutableData: [51, { parameters: [P, B], result: P }],
  FillStringTensor: [52, { parameters: [P, B, "usize"], result: P }],
  GetStringTensorDataLength: [53, { parameters: [P, B], result: P }],
  GetStringTensorContent: [54, { parameters: [P, P, "usize", B, "usize"], result: P }],
  CastTypeInfoToTensorInfo: [55, { parameters: [P, B], result: P }],
  GetOnnxTypeFromTypeInfo: [56, { parameters: [P, B], result: P }],
  GetTensorElementType: [60, { parameters: [P, B], result: P }],
  GetDimensionsCount: [61, { parameters: [P, B], result: P }],
  GetDimensions: [62, { parameters: [P, B, "usize"], result: P }],
  GetTensorTypeAndShape: [65, { parameters: [P, B], result: P }],
  CreateCpuMemoryInfo: [69, { parameters: ["i32", "i32", B], result: P }],
  AllocatorFree: [76, { parameters: [P, P], result: P }],
  GetAllocatorWithDefaultOptions: [78, { parameters: [B], result: P }],
  ReleaseStatus: [93, { parameters: [P], result: "void" }],
  // Synchronous on purpose: releases are short, and a release still running on a helper thread
  // when the process exits raced the runtime's own teardown (heap corruption at exit).
  ReleaseSession: [95, { parameters: [P], result: "void" }],
  ReleaseValue: [96, { parameters: [P], result: "void" }],
  ReleaseRunOptions: [97, { parameters: [P], result: "void" }],
  ReleaseTypeInfo: [98, { parameters: [P], result: "void" }],
  ReleaseTensorTypeAndShapeInfo: [99, { parameters: [P], result: "void" }],
  ReleaseSessionOptions: [100, { parameters: [P], result: "void" }],
  AddSessionConfigEntry: [130, { parameters: [P, B, B], result: P }],
} as const satisfies Record<string, readonly [number, Deno.ForeignFunction]>;

type Functions = typeof FUNCTIONS;
export type OrtFunctions = {
  readonly [K in keyof Functions]: Deno.UnsafeFnPointer<Functions[K][1]>["call"];
};

/** An opened runtime: its functions, the process-wide env, the default CPU allocator. */
export interface OrtNative {
  readonly version: string;
  /** Held for the life of the process: closing it would unload the code behind `fn`. */
  readonly library: Deno.DynamicLibrary<{ OrtGetApiBase: { parameters: []; result: "pointer" } }>;
  readonly fn: OrtFunctions;
  readonly env: Deno.PointerObject;
  readonly allocator: Deno.PointerObject;
  readonly cpuMemory: Deno.PointerObject;
  /** Address of `RunOptionsSetTerminate`, for a watchdog thread to call. */
  readonly terminateAddress: bigint;
}

const encoder = new TextEncoder();

/** A NUL-terminated copy of `text` for C. */
export function cString(text: string): Uint8Array {
  return encoder.encode(text + "\0");
}

/** A one-slot out-parameter for a pointer or size. */
export function outSlot(): BigUint64Array {
  return new BigUint64Array(1);
}

/** The pointer an out-slot received; throws if the runtime left it null. */
export function slotPointer(slot: BigUint64Array): Deno.PointerObject {
  const pointer = Deno.UnsafePointer.create(slot[0] ?? 0n);
  if (pointer === null) throw new Error("inferdb internal: ONNX Runtime returned a null handle");
  return pointer;
}

/** The number an out-slot received (sizes, counts, enum values). */
export function slotNumber(slot: BigUint64Array): number {
  return Number(slot[0] ?? 0n);
}

/** Throws the runtime's message when `status` reports an error (and frees the status). */
export function check(ort: Pick<OrtNative, "fn">, status: Deno.PointerValue): void {
  if (status === null) return;
  const message = readCString(ort.fn.GetErrorMessage(status));
  ort.fn.ReleaseStatus(status);
  throw new CommandError(blankNewlines(message.trimEnd()));
}

function readCString(pointer: Deno.PointerValue): string {
  return pointer === null ? "" : Deno.UnsafePointerView.getCString(pointer);
}

/** Opens the library at `path`, creates the env; throws when anything doesn't add up. */
export function openOrtNative(path: string): OrtNative {
  const lib = Deno.dlopen(path, { OrtGetApiBase: { parameters: [], result: P } });
  const base = lib.symbols.OrtGetApiBase();
  if (base === null) throw new Error("OrtGetApiBase returned null");
  const baseView = new Deno.UnsafePointerView(base);
  const getApi = functionAt(baseView, 0, { parameters: ["u32"], result: P });
  const getVersion = functionAt(baseView, 8, { parameters: [], result: P });
  const api = getApi.call(ORT_API_VERSION);
  if (api === null) throw new Error(`the library does not serve C API version ${ORT_API_VERSION}`);
  const table = new Deno.UnsafePointerView(api);
  const fn: Record<string, unknown> = {};
  for (const [name, [index, definition]] of Object.entries(FUNCTIONS)) {
    const pointer = functionAt(table, index * 8, definition);
    fn[name] = pointer.call.bind(pointer);
  }
  const ort = { fn: fn as OrtFunctions };
  selfCheck(ort.fn);
  const env = outSlot();
  check(ort, ort.fn.CreateEnv(LOG_LEVEL_FATAL, cString("inferdb"), env));
  const allocator = outSlot();
  check(ort, ort.fn.GetAllocatorWithDefaultOptions(allocator));
  const cpuMemory = outSlot();
  check(ort, ort.fn.CreateCpuMemoryInfo(0, 0, cpuMemory));
  return {
    version: readCString(getVersion.call()),
    library: lib,
    fn: ort.fn,
    env: slotPointer(env),
    allocator: slotPointer(allocator),
    cpuMemory: slotPointer(cpuMemory),
    terminateAddress: BigInt(
      Deno.UnsafePointer.value(table.getPointer(FUNCTIONS.RunOptionsSetTerminate[0] * 8)),
    ),
  };
}

/** The function whose pointer sits at `offset`, called with the C signature `definition`. */
function functionAt<const Fn extends Deno.ForeignFunction>(
  view: Deno.UnsafePointerView,
  offset: number,
  definition: Fn,
): Deno.UnsafeFnPointer<Fn> {
  const pointer = view.getPointer<Omit<Fn, "nonblocking">>(offset);
  if (pointer === null) throw new Error(`null function pointer at offset ${offset}`);
  return new Deno.UnsafeFnPointer(pointer, definition);
}

/** A status made and read back proves the first table entries are what we think they are. */
function selfCheck(fn: OrtFunctions): void {
  const status = fn.CreateStatus(7, cString("inferdb self-check"));
  const ok = status !== null && fn.GetErrorCode(status) === 7 &&
    readCString(fn.GetErrorMessage(status)) === "inferdb self-check";
  if (status !== null) fn.ReleaseStatus(status);
  if (!ok) throw new Error("the ONNX Runtime C API table is not the expected one");
}
