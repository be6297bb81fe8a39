/**
 * The Worker side of `WorkerHost`: builds the backend named in `init`, then loads, runs and
 * unloads sessions one operation at a time (a chain of promises), so no session ever runs
 * twice at once. Errors go back as their wire text.
 */
import type { Backend, ModelSession } from "../../backends/backend.ts";
import { backendEntry } from "../../backends/registry.ts";
import { CommandError } from "../errors.ts";
import type { WorkerRequest, WorkerResponse } from "./worker_host.ts";

interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const sessions = new Map<number, ModelSession>();
let backend: Backend | undefined;
let chain: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const request = event.data;
  chain = chain.then(() => handle(request));
};

async function handle(request: WorkerRequest): Promise<void> {
  try {
    scope.postMessage({ seq: request.seq, ok: true, value: await perform(request) });
  } catch (e) {
    const message = e instanceof CommandError
      ? e.message
      : `ERR ${e instanceof Error ? e.message : String(e)}`;
    scope.postMessage({ seq: request.seq, ok: false, message });
  }
}

async function perform(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case "init": {
      const entry = backendEntry(request.provider);
      const created = entry?.create(request.setup);
      if (created === undefined || !(await created.available())) {
        throw new CommandError(`ERR ${request.provider} is not available here`);
      }
      backend = created;
      return created.version;
    }
    case "load": {
      if (backend === undefined) throw new Error("load before init");
      const session = await backend.load(request.blob, request.options);
      await sessions.get(request.id)?.close();
      sessions.set(request.id, session);
      return { provider: session.provider, inputs: session.inputs, outputs: session.outputs };
    }
    case "run": {
      const session = sessions.get(request.id);
      if (session === undefined) throw new CommandError("ERR model session is not loaded");
      return await session.run(request.inputs);
    }
    case "unload": {
      await sessions.get(request.id)?.close();
      sessions.delete(request.id);
      return undefined;
    }
  }
}
