/**
 * inferdb's composition root: flags and environment → Config, then the keyspace, the command
 * table and the listeners, plus timers and signal handling. `start()` is what tests use to run
 * a real server in-process; running this file starts one from the command line.
 */
import { buildCommandTable } from "./core/commands/all.ts";
import { Config, defaultConfig, helpText, parseConfig } from "./core/config.ts";
import { CommandError } from "./core/errors.ts";
import { ServerState } from "./core/server_state.ts";
import { RespServer } from "./protocol/resp_server.ts";

export interface Running {
  readonly state: ServerState;
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
  /** Resolves when the server has stopped (after `close()` or SHUTDOWN). */
  readonly done: Promise<void>;
}

const ACTIVE_EXPIRE_MS = 100;

/** Starts a server with `config` (unset fields take their defaults). */
export function start(config: Partial<Config> = {}): Running {
  const full: Config = { ...defaultConfig(), ...config };
  const state = new ServerState(full, buildCommandTable());
  const resp = new RespServer(state, { hostname: full.bind, port: full.port });
  const expireTimer = setInterval(() => state.keyspace.activeExpire(), ACTIVE_EXPIRE_MS);
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => stopped = resolve);
  const close = (): Promise<void> => {
    clearInterval(expireTimer);
    resp.close();
    stopped();
    return done;
  };
  state.shutdown = () => close();
  resp.serve().catch((e) => console.error("inferdb: listener failed:", e));
  return { state, port: resp.port, close, done };
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}

async function main(): Promise<void> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(helpText());
    return;
  }
  let config: Config;
  try {
    config = parseConfig(Deno.args, (name) => Deno.env.get(name));
  } catch (e) {
    console.error(e instanceof CommandError ? e.message.replace(/^ERR /, "inferdb: ") : e);
    Deno.exit(2);
  }
  if (!isLoopback(config.bind) && config.requirepass === "") {
    console.warn(
      `WARNING: inferdb is listening on ${config.bind} with no password (requirepass). ` +
        "Anyone who can reach this address can read and change every key. Set --requirepass.",
    );
  }
  const running = start(config);
  console.log(`inferdb ready: RESP on ${config.bind}:${running.port} (pid ${Deno.pid})`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      console.log(`inferdb: ${signal} received, shutting down`);
      running.state.shutdown(undefined).then(() => Deno.exit(0));
    });
  }
  await running.done;
  Deno.exit(0);
}

if (import.meta.main) await main();
