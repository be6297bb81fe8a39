/**
 * Synchronous request/reply over a MessagePort, for a worker whose code must not yield (the
 * interpreter): `call` posts a request, blocks on a shared flag (`Atomics.wait`) until the
 * peer has posted its reply and set the flag, then takes the reply with
 * `receiveMessageOnPort`. `post` sends without waiting; the peer answers only what is called.
 *
 * Flag values: 0 while a reply is pending, 1 once it was posted, `PEER_GONE` when the peer
 * died (its owner sets it, so a blocked caller fails instead of waiting forever).
 */
import { type MessagePort as NodePort, receiveMessageOnPort } from "node:worker_threads";

/** How long one wait for a posted reply may take before looking again (ms). */
const POLL_MS = 5;

export const PEER_GONE = 2;

export class PeerGoneError extends Error {}

export interface BlockingPort<Request, Reply> {
  post(request: Request, transfer?: Transferable[]): void;
  call(request: Request): Reply;
}

export function blockingPort<Request, Reply>(
  port: MessagePort,
  flag: Int32Array,
): BlockingPort<Request, Reply> {
  return {
    post: (request, transfer = []) => port.postMessage(request, transfer),
    call: (request) => {
      if (Atomics.load(flag, 0) === PEER_GONE) throw new PeerGoneError("the peer has stopped");
      Atomics.store(flag, 0, 0);
      port.postMessage(request);
      for (;;) {
        Atomics.wait(flag, 0, 0);
        // Deno's web MessagePort is what node:worker_threads reads here; only the types differ.
        const received = receiveMessageOnPort(port as unknown as NodePort);
        if (received !== undefined) return received.message as Reply;
        if (Atomics.load(flag, 0) === PEER_GONE) throw new PeerGoneError("the peer has stopped");
        // The flag was set before the message reached this side of the channel.
        Atomics.wait(flag, 0, 1, POLL_MS);
      }
    },
  };
}
