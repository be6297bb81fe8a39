/**
 * Issue 2 benchmark: redis-benchmark against inferdb and Debian's redis-server in the same
 * run, PING_MBULK/SET/GET/LPUSH at -P 1 and -P 32 with 50 clients, printed as ratios, with
 * server CPU per command; then peak RSS with 1,000 idle clients.
 *
 * Usage: deno run -A tests/bench/resp_bench.ts [requests]
 */
import { cpuMs, memoryKb, printRatios, ServerProcess, startInferdb, startRedis } from "./lib.ts";

const requests = Number(Deno.args[0] ?? 200_000);
const tests = ["ping_mbulk", "set", "get", "lpush"];

interface Result {
  rps: Map<string, number>;
  cpuUsPerCmd: number;
}

async function redisBenchmark(server: ServerProcess, pipeline: number): Promise<Result> {
  const before = cpuMs(server.pid);
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(server.port),
      "-c",
      "50",
      "-n",
      String(requests * (pipeline > 1 ? 5 : 1)),
      "-P",
      String(pipeline),
      "-t",
      tests.join(","),
      "--csv",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const cpu = cpuMs(server.pid) - before;
  const rps = new Map<string, number>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const cells = line.split(",").map((c) => c.replaceAll('"', ""));
    if (cells.length > 1 && cells[0] !== "test") {
      rps.set((cells[0] ?? "").toLowerCase(), Number(cells[1]));
    }
  }
  const total = requests * (pipeline > 1 ? 5 : 1) * tests.length;
  return { rps, cpuUsPerCmd: (cpu * 1000) / total };
}

async function idleClientsRss(server: ServerProcess, count: number): Promise<number> {
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < count; i++) {
    conns.push(await Deno.connect({ port: server.port, hostname: "127.0.0.1" }));
  }
  await new Promise((r) => setTimeout(r, 500));
  const { rssKb } = memoryKb(server.pid);
  for (const c of conns) c.close();
  return rssKb;
}

const inferdb = await startInferdb();
const redis = await startRedis();
try {
  for (const pipeline of [1, 32]) {
    const ours = await redisBenchmark(inferdb, pipeline);
    const ref = await redisBenchmark(redis, pipeline);
    printRatios(
      `redis-benchmark -c 50 -P ${pipeline} (requests/s, higher is better)`,
      tests.map((t) => ({
        name: t.toUpperCase(),
        ours: ours.rps.get(t) ?? 0,
        reference: ref.rps.get(t) ?? 0,
        unit: "rps",
      })),
    );
    console.log(
      `server CPU per command: inferdb ${ours.cpuUsPerCmd.toFixed(2)} µs, redis-server ${
        ref.cpuUsPerCmd.toFixed(2)
      } µs (${(ours.cpuUsPerCmd / ref.cpuUsPerCmd).toFixed(2)}×)`,
    );
  }
} finally {
  await inferdb.stop();
  await redis.stop();
}

// Idle clients on fresh servers, so the data the load above stored doesn't count.
const idleOurs = await startInferdb();
const idleRef = await startRedis();
try {
  const baseOurs = memoryKb(idleOurs.pid).rssKb;
  const baseRef = memoryKb(idleRef.pid).rssKb;
  const oursKb = await idleClientsRss(idleOurs, 1000);
  const refKb = await idleClientsRss(idleRef, 1000);
  console.log(
    `\n1,000 idle clients: inferdb RSS ${(oursKb / 1024).toFixed(1)} MiB (+${
      ((oursKb - baseOurs) / 1000).toFixed(1)
    } KiB/client), redis-server ${(refKb / 1024).toFixed(1)} MiB (+${
      ((refKb - baseRef) / 1000).toFixed(1)
    } KiB/client); peak inferdb ${(memoryKb(idleOurs.pid).peakKb / 1024).toFixed(1)} MiB`,
  );
} finally {
  await idleOurs.stop();
  await idleRef.stop();
}
