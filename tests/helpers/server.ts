/**
 * Starts a real inferdb server in-process on a free port for a test, with quiet defaults
 * (no HTTP port, a temporary data directory), and tears it down afterwards.
 */
import type { Config } from "../../core/config.ts";
import { Running, start, StartOptions } from "../../main.ts";

export interface TestServer extends Running {
  readonly dir: string;
}

/**
 * Starts a server; pass config overrides, and `{ httpPort: 0 }` to serve HTTP on a free port
 * (`server.httpPort`). Always `await server.close()` in `finally`.
 */
export async function startTestServer(
  config: Partial<Config> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dir = await Deno.makeTempDir({ prefix: "inferdb-test-" });
  const running = start({ port: 0, "http-port": 0, dir, ...config }, options);
  await running.ready;
  return {
    ...running,
    dir,
    close: async () => {
      await running.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Runs `redis-cli` against `port` with `args`, returning stdout (and failing on a non-zero exit). */
export async function redisCli(
  port: number,
  args: readonly string[],
  stdin?: string,
): Promise<string> {
  const cmd = new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`redis-cli failed: ${new TextDecoder().decode(out.stderr)}`);
  return stdout;
}
