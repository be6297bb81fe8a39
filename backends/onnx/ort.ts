/**
 * The only file that touches ONNX Runtime's npm packages: it loads onnxruntime-web (the WASM
 * build, or the build with the WebGPU execution provider) on demand, and finds the native
 * `libonnxruntime` shipped inside onnxruntime-node for `native_api.ts` to open through FFI.
 *
 * Everything is resolved lazily, so importing this module costs nothing until a provider is
 * actually used, and a missing piece (no FFI permission, a compiled binary without the
 * library) shows up as an unavailable provider instead of a failed start.
 */
import type * as OrtWeb from "onnxruntime-web";

export type OrtWebModule = typeof OrtWeb;
export type OrtWebTensor = OrtWeb.Tensor;
export type OrtWebSession = OrtWeb.InferenceSession;
export type OrtWebValueMetadata = OrtWeb.InferenceSession.ValueMetadata;
export type OrtWebResults = OrtWeb.InferenceSession.ReturnType;

/** The ONNX Runtime release package.json pins (onnxruntime-node and onnxruntime-web). */
export const ORT_VERSION = "1.30.0";

/** Which onnxruntime-web build: plain WASM, or WASM plus the WebGPU execution provider. */
export type OrtWebFlavor = "wasm" | "webgpu";

const loaded = new Map<OrtWebFlavor, Promise<OrtWebModule>>();

/** The onnxruntime-web module of `flavor`, imported once per thread. */
export function loadOrtWeb(flavor: OrtWebFlavor): Promise<OrtWebModule> {
  let module = loaded.get(flavor);
  if (module === undefined) {
    module = flavor === "wasm" ? import("onnxruntime-web") : importWebGpuBuild().then(
      (ort) => {
        // The browser bundle finds its .wasm relative to the page; in a Deno Worker there is
        // none (location is "null"), so point it at the package's dist folder.
        ort.env.wasm.wasmPaths = new URL(".", import.meta.resolve("onnxruntime-web/webgpu")).href;
        return ort;
      },
    );
    loaded.set(flavor, module);
  }
  return module;
}

/**
 * Imports the WebGPU build. At import it resolves its own URL against `location.origin`, which
 * is "null" in a Deno Worker (a file: URL), and `new URL(..., "null")` throws; `location` is
 * hidden while the module evaluates and restored after.
 */
async function importWebGpuBuild(): Promise<OrtWebModule> {
  const location = Object.getOwnPropertyDescriptor(globalThis, "location");
  const hide = location?.configurable === true;
  if (hide) Object.defineProperty(globalThis, "location", { value: undefined, configurable: true });
  try {
    return await import("onnxruntime-web/webgpu");
  } finally {
    if (hide) Object.defineProperty(globalThis, "location", location);
  }
}

const NATIVE_LIBRARY: Readonly<Record<string, string>> = {
  linux: "libonnxruntime.so.1",
  darwin: "libonnxruntime.1.dylib",
  windows: "onnxruntime.dll",
};

/**
 * The path of the `libonnxruntime` inside the onnxruntime-node package for this platform, or
 * `undefined` when the package can't be located (e.g. inside a compiled binary).
 */
export function bundledNativeLibraryPath(): string | undefined {
  const file = NATIVE_LIBRARY[Deno.build.os];
  if (file === undefined) return undefined;
  let entry: URL;
  try {
    entry = new URL(import.meta.resolve("onnxruntime-node"));
  } catch {
    return undefined;
  }
  if (entry.protocol !== "file:") return undefined;
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const arch = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  return new URL(`../bin/napi-v6/${os}/${arch}/${file}`, entry).pathname;
}
