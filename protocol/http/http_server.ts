/**
 * The HTTP listener: `Deno.serve` running the HTTP app on the configured bind address and
 * port. It owns nothing but the listener; routes, auth and limits live in the app.
 */
import type { ServerState } from "../../core/server_state.ts";
import { HttpApp, httpApp, HttpAppOptions } from "./app.ts";

export interface HttpListenOptions extends HttpAppOptions {
  readonly hostname: string;
  /** 0 binds a free port. */
  readonly port: number;
}

export class HttpServer {
  private readonly server: Deno.HttpServer<Deno.NetAddr>;
  private readonly app: HttpApp;

  constructor(state: ServerState, options: HttpListenOptions) {
    this.app = httpApp(state, options);
    this.server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      onListen: () => {},
      handler: this.app,
    });
  }

  /** The bound port. */
  get port(): number {
    return this.server.addr.port;
  }

  /** Stops listening and waits for requests in flight to finish. */
  async close(): Promise<void> {
    await this.server.shutdown();
    this.app.close();
  }
}
