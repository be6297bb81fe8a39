/**
 * inferdb's composition root: flags and environment → Config, then the keyspace, the command
 * table and the listeners, plus timers and signal handling. `start()` is what tests use to run
 * a real server in-process; running this file starts one from the command line.
 */
import { registerAiInfo } from "./core/commands/ai.ts";
import { registerGpuInfo } from "./backends/webgpu/gpu_info.ts";
import { buildCommandTable } from "./core/commands/all.ts";
import { closeScriptPool } from "./core/commands/script_run.ts";
import { Config, defaultConfig, helpText, parseConfig } from "./core/config.ts";
import { CommandError } from "./core/errors.ts";
import { closeAiEngine } from "./core/exec/engine.ts";
import { Persistence } from "./core/persist/persistence.ts";
import { ServerState } from "./core/server_state.ts";
import { HttpServer } from "./protocol/http/http_server.ts";
import { RespServer } from "./protocol/resp_server.ts";
import { AI_MODULE_VERSION, INFERDB_VERSION, REDIS_VERSION } from "./core/version.ts";

export interface Running {
  readonly state: ServerState;
  readonly port: number;
  /** The bound HTTP port; `undefined` when HTTP is disabled. */
  readonly httpPort: number | undefined;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
  /** Resolves when the server has stopped (after `close()` or SHUTDOWN). */
  readonly done: Promise<void>;
  /** Resolves once persisted data is loaded and RESP clients are served; rejects (and the
   * server closes) when a data file can't be loaded. */
  readonly ready: Promise<void>;
}

const ACTIVE_EXPIRE_MS = 100;

export interface StartOptions {
  /** Overrides `http-port` (which uses 0 for "disabled"): here 0 binds a free port (tests). */
  readonly httpPort?: number;
}

/** Starts a server with `config` (unset fields take their defaults). */
export function start(config: Partial<Config> = {}, options: StartOptions = {}): Running {
  const full: Config = { ...defaultConfig(), ...config };
  const state = new ServerState(full, buildCommandTable());
  const resp = new RespServer(state, { hostname: full.bind, port: full.port });
  const httpPort = options.httpPort ?? (full["http-port"] > 0 ? full["http-port"] : undefined);
  const http = httpPort === undefined
    ? undefined
    : new HttpServer(state, { hostname: full.bind, port: httpPort });
  const expireTimer = setInterval(() => state.keyspace.activeExpire(), ACTIVE_EXPIRE_MS);
  const persistence = new Persistence(state);
  state.persistence = persistence;
  registerAiInfo(state);
  registerGpuInfo(state);
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => stopped = resolve);
  const close = (): Promise<void> => {
    clearInterval(expireTimer);
    resp.close();
    closeScriptPool(state);
    Promise.all([http?.close(), persistence.close(), closeAiEngine(state)]).then(stopped, stopped);
    return done;
  };
  // SHUTDOWN resolves once the save is done and the close has begun (`done` follows): closing
  // waits for the HTTP requests being answered, and a SHUTDOWN sent over HTTP is one of them.
  state.shutdown = async (save) => {
    await persistence.prepareShutdown(save);
    void close();
  };
  const ready = persistence.load().then(() => {
    resp.serve().catch((e) => console.error("inferdb: listener failed:", e));
  });
  ready.catch(() => close());
  return { state, port: resp.port, httpPort: http?.port, close, done, ready };
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}

async function main(): Promise<void> {
  if (Deno.args.includes("--version") || Deno.args.includes("-v")) {
    console.log(
      `inferdb ${INFERDB_VERSION} (redis ${REDIS_VERSION}, RedisAI ${AI_MODULE_VERSION})`,
    );
    return;
  }
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
  try {
    await running.ready;
  } catch (e) {
    console.error(`inferdb: refusing to start: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
  const http = running.httpPort === undefined ? "" : `, HTTP on ${config.bind}:${running.httpPort}`;
  console.log(`inferdb ready: RESP on ${config.bind}:${running.port}${http} (pid ${Deno.pid})`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      console.log(`inferdb: ${signal} received, shutting down`);
      // On success `running.done` resolves and the process exits below.
      running.state.shutdown(undefined).catch((e) =>
        console.error("inferdb: can't shut down, still serving:", e)
      );
    });
  }
  await running.done;
  Deno.exit(0);
}

if (import.meta.main) await main();
