/**
 * HTTP test helpers: a server with HTTP on a free port, and `curl` run as a child process
 * (body and headers through temporary files, so binary bodies come back exactly).
 */
import assert from "node:assert/strict";
import type { Config } from "../../core/config.ts";
import { startTestServer, TestServer } from "./server.ts";

export interface HttpTestServer extends TestServer {
  readonly httpPort: number;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
}

/** Starts a server serving HTTP on a free port. Always `await server.close()` in `finally`. */
export async function startHttpServer(config: Partial<Config> = {}): Promise<HttpTestServer> {
  const server = await startTestServer(config, { httpPort: 0 });
  const httpPort = server.httpPort;
  if (httpPort === undefined) throw new Error("HTTP did not start");
  return { ...server, httpPort, base: `http://127.0.0.1:${httpPort}` };
}

export interface CurlResult {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Map<string, string>;
  readonly body: Uint8Array;
  readonly text: string;
}

/** Runs `curl -sS <args...> <url>`; the body and headers come back whatever the status. */
export async function curl(url: string, args: readonly string[] = []): Promise<CurlResult> {
  const bodyFile = await Deno.makeTempFile();
  const headerFile = await Deno.makeTempFile();
  try {
    const out = await new Deno.Command("curl", {
      args: ["-sS", "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}", ...args, url],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`curl failed: ${new TextDecoder().decode(out.stderr)}`);
    const headers = new Map<string, string>();
    for (const line of (await Deno.readTextFile(headerFile)).split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const body = await Deno.readFile(bodyFile);
    return {
      status: Number(new TextDecoder().decode(out.stdout)),
      headers,
      body,
      text: new TextDecoder().decode(body),
    };
  } finally {
    await Deno.remove(bodyFile);
    await Deno.remove(headerFile);
  }
}

/** Parses Prometheus text: returns `name{labels}` → value; throws on a malformed line. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === "TYPE") {
        assert.ok(!typed.has(meta[2] as string), `second TYPE for ${meta[2]}`);
        assert.match(meta[3] as string, /^(counter|gauge|histogram)$/);
        typed.add(meta[2] as string);
      }
      continue;
    }
    const m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/
        .exec(line);
    assert.ok(m !== null, `malformed metrics line: ${line}`);
    const value = Number(m[3] === "+Inf" ? Infinity : m[3]);
    assert.ok(!Number.isNaN(value), `bad value in ${line}`);
    const series = `${m[1]}${m[2] ?? ""}`;
    assert.ok(!samples.has(series), `duplicate series ${series}`);
    samples.set(series, value);
  }
  return samples;
}
