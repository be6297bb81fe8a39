/**
 * Shared pieces for side-by-side benchmarks: free ports, starting inferdb, Debian's
 * redis-server and the Deno floor server as child processes, per-process CPU and memory from
 * /proc, and ratio tables.
 */

const repoRoot = new URL("../../", import.meta.url).pathname;

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Waits until something accepts TCP connections on `port` and answers PING. */
async function waitReady(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ping = new TextEncoder().encode("PING\r\n");
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ port, hostname: "127.0.0.1" });
      await conn.write(ping);
      const buf = new Uint8Array(64);
      const n = await conn.read(buf);
      conn.close();
      if (n !== null && n > 0) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on port ${port} did not become ready`);
}

async function spawnServer(cmd: string, args: string[], port: number): Promise<ServerProcess> {
  const child = new Deno.Command(cmd, { args, cwd: repoRoot, stdout: "null", stderr: "inherit" })
    .spawn();
  await waitReady(port);
  return {
    port,
    pid: child.pid,
    stop: async () => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
    },
  };
}

/**
 * Starts inferdb (`deno run main.ts`) with extra flags, on an empty temporary data directory
 * with save points off (like the redis-server it is compared with), unless flags say otherwise.
 */
export async function startInferdb(flags: string[] = []): Promise<ServerProcess> {
  const port = freePort();
  const dir = Deno.makeTempDirSync({ prefix: "inferdb-bench-" });
  const server = await spawnServer(
    Deno.execPath(),
    [
      "run",
      "-A",
      "--unstable-webgpu",
      "main.ts",
      "--port",
      String(port),
      "--http-port",
      "0",
      "--dir",
      dir,
      "--save",
      "",
      ...flags,
    ],
    port,
  );
  return {
    ...server,
    stop: async () => {
      await server.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Starts Debian's redis-server without persistence, plus extra `--name value` flags. */
export function startRedis(flags: string[] = []): Promise<ServerProcess> {
  const port = freePort();
  return spawnServer(
    "redis-server",
    ["--port", String(port), "--save", "", "--appendonly", "no", "--daemonize", "no", ...flags],
    port,
  );
}

/** Starts `floor_server.ts`: the least a Deno server can do to store and return blobs. */
export function startFloor(): Promise<ServerProcess> {
  const port = freePort();
  return spawnServer(
    Deno.execPath(),
    ["run", "--allow-net", "tests/bench/floor_server.ts", "--port", String(port)],
    port,
  );
}

/** User + system CPU time of a process, in ms. */
export function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10;
}

/** Current and peak resident memory of a process, in KiB. */
export function memoryKb(pid: number): { rssKb: number; peakKb: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssKb: field("VmRSS"), peakKb: field("VmHWM") };
}

/** Prints a table of rows with an ours/reference ratio column (ours is inferdb by default). */
export function printRatios(
  title: string,
  rows: readonly { name: string; ours: number; reference: number; unit: string }[],
  [oursColumn, referenceColumn] = ["inferdb", "reference"],
): void {
  console.log(`\n## ${title}`);
  console.log(`| case | ${oursColumn} | ${referenceColumn} | ratio |`);
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.ours.toFixed(1)} ${r.unit} | ${r.reference.toFixed(1)} ${r.unit} | ${
        (r.ours / r.reference).toFixed(2)
      }× |`,
    );
  }
}
