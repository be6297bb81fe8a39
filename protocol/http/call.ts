/**
 * How HTTP routes run commands: every route turns its request into command arguments and calls
 * `dispatch()` (the path RESP takes) on a synthetic `ClientState` made for that request, so auth
 * already checked by the app, arity, MULTI rules, deny-oom, stats and the slowlog all apply and
 * no handler logic is duplicated here. A reply that is an error is thrown by `callOk`, so routes
 * read as straight-line code and the app maps the error to a status in one place.
 */
import { utf8Bytes } from "../../core/bytes.ts";
import { ClientState } from "../../core/client.ts";
import { dispatch } from "../../core/dispatch.ts";
import { CommandError } from "../../core/errors.ts";
import type { Reply } from "../../core/reply.ts";
import type { ServerState } from "../../core/server_state.ts";

/** What a route needs to run commands: the server and this request's client. */
export interface Caller {
  readonly server: ServerState;
  readonly client: ClientState;
}

export type Arg = string | Uint8Array;

/** A client for one HTTP request: already authenticated (the app checked the bearer token). */
export function httpClient(server: ServerState, addr: string, laddr: string): ClientState {
  return new ClientState(
    server.nextClientId++,
    addr,
    laddr,
    server.now(),
    true,
    () => {},
    () => {},
  );
}

/** Ends a request's client as RESP ends a connection: no MONITOR feed, no WATCHed keys left. */
export function releaseClient(server: ServerState, client: ClientState): void {
  server.monitors.delete(client);
  client.unwatchAll();
}

/**
 * Runs one command through `dispatch()` now (a synchronous handler has finished when this
 * returns); an error comes back as a `CommandError` value.
 */
export function invoke(caller: Caller, args: readonly Arg[]): Reply | Promise<Reply> {
  const bytes = args.map((a) => typeof a === "string" ? utf8Bytes(a) : a);
  return dispatch(caller.server, caller.client, bytes);
}

/** `invoke` as a promise. */
export function call(caller: Caller, args: readonly Arg[]): Promise<Reply> {
  return Promise.resolve(invoke(caller, args));
}

/** Runs one command and throws its error reply, if any. */
export async function callOk(caller: Caller, args: readonly Arg[]): Promise<Reply> {
  const reply = await call(caller, args);
  if (reply instanceof CommandError) throw reply;
  return reply;
}
