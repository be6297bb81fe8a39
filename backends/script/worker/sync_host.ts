/**
 * The worker side of the host bridge: a `ScriptHost` whose calls block the worker until the
 * main thread answers. Each call posts a `HostRequest` on the worker's port, waits on the
 * shared flag, then takes the response synchronously with `receiveMessageOnPort`.
 */
import { type MessagePort as NodePort, receiveMessageOnPort } from "node:worker_threads";
import type { Tensor } from "../../../core/tensor.ts";
import { opError } from "../ops/script_tensor.ts";
import type { HostReply, ScriptHost } from "../redis_api.ts";
import type { HostRequest, HostResponse } from "./protocol.ts";

/** How long one wait for a posted response may take before looking again (ms). */
const POLL_MS = 5;

export function syncHost(port: MessagePort, flag: Int32Array): ScriptHost {
  const call = (request: HostRequest): HostResponse => {
    Atomics.store(flag, 0, 0);
    port.postMessage(request);
    for (;;) {
      Atomics.wait(flag, 0, 0);
      // Deno's web MessagePort is what node:worker_threads reads here; only the types differ.
      const received = receiveMessageOnPort(port as unknown as NodePort);
      if (received !== undefined) return received.message as HostResponse;
      // The flag was set before the message reached this side of the channel.
      Atomics.wait(flag, 0, 1, POLL_MS);
    }
  };
  return {
    execute(args: readonly string[]): HostReply {
      const response = call({ op: "execute", args });
      if ("error" in response) throw opError(response.error);
      return "reply" in response ? response.reply : null;
    },
    modelExecute(key: string, inputs: readonly Tensor[], outputCount: number): readonly Tensor[] {
      const response = call({ op: "model", key, inputs, outputCount });
      if ("error" in response) throw opError(response.error);
      return "outputs" in response ? response.outputs : [];
    },
  };
}
