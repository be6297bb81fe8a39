/**
 * A `SessionHost` in a Deno Worker, for backends whose runs compute on the calling thread
 * (onnxruntime-web). The Worker (`worker_main.ts`) holds one session per model and performs
 * one operation at a time, so a session never runs twice at once.
 *
 * Kill switch: a run aborted by MODEL_EXECUTION_TIMEOUT can't be stopped inside WASM, so the
 * host terminates the Worker, fails what it was doing with ONNX Runtime's terminate text, and
 * starts a fresh Worker with every model reloaded. (Deno 2.9 can't stop a Worker that is busy
 * in a loop either: its thread keeps running until the run ends. The native provider stops
 * runs properly and is preferred wherever it loads.)
 *
 * Tensors cross by structured clone: shared storage (SharedArrayBuffer) is shared, not copied.
 */
import type { LoadOptions, RunOptions } from "../../backends/backend.ts";
import type { BackendSetup } from "../../backends/registry.ts";
import { CommandError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { ModelInfo, SessionHost, TERMINATED_TEXT } from "./session_host.ts";

export type WorkerRequest =
  | {
    readonly op: "init";
    readonly seq: number;
    readonly provider: string;
    readonly setup: BackendSetup;
  }
  | {
    readonly op: "load";
    readonly seq: number;
    readonly id: number;
    readonly blob: Uint8Array;
    readonly options: LoadOptions;
  }
  | { readonly op: "run"; readonly seq: number; readonly id: number; readonly inputs: Tensor[] }
  | { readonly op: "unload"; readonly seq: number; readonly id: number };

export type WorkerResponse =
  | { readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly seq: number; readonly ok: false; readonly message: string };

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

type Outgoing = WorkerRequest extends infer R ? R extends WorkerRequest ? Omit<R, "seq"> : never
  : never;

let warnedKill = false;

export class WorkerHost implements SessionHost {
  readonly concurrency = 1;
  #worker: Worker | undefined;
  #ready: Promise<unknown> = Promise.resolve();
  #seq = 0;
  readonly #waiting = new Map<number, Waiter>();
  /** Every loaded model, to reload into a replacement Worker. */
  readonly #models = new Map<number, { blob: Uint8Array; options: LoadOptions }>();
  #closed = false;

  constructor(readonly provider: string, private readonly setup: BackendSetup) {}

  /** Starts the Worker; resolves with the backend's version, rejects if it can't run here. */
  start(): Promise<string | undefined> {
    this.#spawn();
    return this.#ready.then((v) => typeof v === "string" ? v : undefined);
  }

  #spawn(): void {
    const worker = new Worker(new URL("./worker_main.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent<WorkerResponse>) => this.#settle(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#restart(`ERR the ${this.provider} worker failed: ${e.message}`);
    };
    this.#worker = worker;
    this.#ready = this.#send({ op: "init", provider: this.provider, setup: this.setup });
  }

  #settle(response: WorkerResponse): void {
    const waiter = this.#waiting.get(response.seq);
    if (waiter === undefined) return;
    this.#waiting.delete(response.seq);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(new CommandError(response.message));
  }

  #send(request: Outgoing): Promise<unknown> {
    const worker = this.#worker;
    if (worker === undefined || this.#closed) {
      return Promise.reject(new CommandError(`ERR the ${this.provider} worker is closed`));
    }
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject });
      worker.postMessage({ ...request, seq });
    });
  }

  /** Fails everything in flight with `reason`, then starts a new Worker with every model. */
  #restart(reason: string): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const w of waiting) w.reject(new CommandError(reason));
    if (this.#closed) return;
    this.#spawn();
    const init = this.#ready;
    const reloads = [...this.#models].map(([id, m]) =>
      this.#send({ op: "load", id, blob: m.blob, options: m.options })
    );
    this.#ready = Promise.all([init, ...reloads]).then(() => undefined, (e) => {
      console.error(`inferdb: restarting the ${this.provider} worker failed:`, e);
    });
  }

  async load(id: number, blob: Uint8Array, options: LoadOptions): Promise<ModelInfo> {
    await this.#ready;
    const info = await this.#send({ op: "load", id, blob, options }) as ModelInfo;
    this.#models.set(id, { blob, options });
    return info;
  }

  /** Runs in the Worker (`options.mayBlock` doesn't apply: the Worker's thread is its own). */
  async run(
    id: number,
    inputs: readonly Tensor[],
    { signal }: Required<RunOptions>,
  ): Promise<(Tensor | undefined)[]> {
    await this.#ready;
    const running = this.#send({ op: "run", id, inputs: inputs.map(shareable) });
    const kill = () => {
      if (!warnedKill) {
        warnedKill = true;
        console.warn(
          `inferdb: a run on ${this.provider} passed model-execution-timeout; its worker is ` +
            "replaced (this runtime can't be stopped mid-run, so its thread may stay busy)",
        );
      }
      this.#restart(TERMINATED_TEXT);
    };
    signal.addEventListener("abort", kill, { once: true });
    try {
      return await running as (Tensor | undefined)[];
    } finally {
      signal.removeEventListener("abort", kill);
    }
  }

  async unload(id: number): Promise<void> {
    if (!this.#models.delete(id)) return;
    await this.#ready;
    await this.#send({ op: "unload", id }).catch(() => {});
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#restart(`ERR the ${this.provider} worker is closed`);
    this.#models.clear();
    return Promise.resolve();
  }
}

/**
 * A tensor whose storage can be posted cheaply: a view into part of a larger ordinary buffer
 * would clone that whole buffer, so it is copied out first.
 */
function shareable(tensor: Tensor): Tensor {
  const { data } = tensor;
  if (data.buffer instanceof SharedArrayBuffer) return tensor;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return tensor;
  return { ...tensor, data: data.slice() };
}
