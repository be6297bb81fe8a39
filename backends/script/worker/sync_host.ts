/**
 * The worker side of the host bridge: a `ScriptHost` whose calls block the worker until the
 * main thread answers. Each call posts a `HostRequest` on the worker's port and blocks on the
 * shared flag for the `HostResponse` (see `blocking_port.ts`).
 */
import type { Tensor } from "../../../core/tensor.ts";
import { opError } from "../ops/script_tensor.ts";
import type { HostReply, ScriptHost } from "../redis_api.ts";
import { blockingPort } from "./blocking_port.ts";
import type { HostRequest, HostResponse } from "./protocol.ts";

export function syncHost(port: MessagePort, flag: Int32Array): ScriptHost {
  const { call } = blockingPort<HostRequest, HostResponse>(port, flag);
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
