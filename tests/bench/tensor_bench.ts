/**
 * Issue 3 benchmark: AI.TENSORSET / AI.TENSORGET BLOB of FLOAT tensors (4 KiB, 1 MiB, 64 MiB)
 * on inferdb against SET / GET of the same bytes on Debian's redis-server, in one run, with 50
 * clients and 1 client, printed as ratios. Then the memory one 64 MiB TENSORSET costs the
 * server (RSS growth per stored tensor, in blob sizes: 1.00 means the received argument became
 * the tensor's storage with no further copy) next to redis-server's SET.
 *
 * The same SET/GET load also runs against `floor_server.ts`, the least a Deno server can do to
 * store and return blobs, printed against redis-server: how much of inferdb's gap to
 * redis-server the runtime itself takes.
 *
 * Usage: deno run -A tests/bench/tensor_bench.ts [scale]   (scale < 1 for a short run)
 */
import { encodeCommand } from "../helpers/raw_client.ts";
import {
  cpuMs,
  memoryKb,
  printRatios,
  ServerProcess,
  startFloor,
  startInferdb,
  startRedis,
} from "./lib.ts";
import { runLoad } from "./resp_load.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const scale = Number(Deno.args[0] ?? 1);
/** Keys written per case are capped so stored data stays under this. */
const STORED_BYTES_MAX = 512 * MIB;

const SIZES = [
  { name: "4 KiB", bytes: 4 * KIB, total: 40_000 },
  { name: "1 MiB", bytes: MIB, total: 2_000 },
  { name: "64 MiB", bytes: 64 * MIB, total: 60 },
];
const CLIENTS = [50, 1];

interface Flavor {
  readonly server: ServerProcess;
  set(key: string, blob: Uint8Array): Uint8Array;
  get(key: string): Uint8Array;
}

function floatBlob(bytes: number): Uint8Array {
  const values = new Float32Array(bytes / 4);
  for (let i = 0; i < values.length; i++) values[i] = i % 1000;
  return new Uint8Array(values.buffer);
}

function tensorFlavor(server: ServerProcess): Flavor {
  return {
    server,
    set: (key, blob) =>
      encodeCommand(["AI.TENSORSET", key, "FLOAT", blob.length / 4, "BLOB", blob]),
    get: (key) => encodeCommand(["AI.TENSORGET", key, "BLOB"]),
  };
}

function stringFlavor(server: ServerProcess): Flavor {
  return {
    server,
    set: (key, blob) => encodeCommand(["SET", key, blob]),
    get: (key) => encodeCommand(["GET", key]),
  };
}

interface Row {
  readonly name: string;
  readonly ours: number;
  readonly reference: number;
  readonly unit: string;
}

/** Requests/s and server CPU µs per request of one op on inferdb, redis-server and the floor. */
async function measure(
  servers: readonly Flavor[],
  options: {
    op: "set" | "get";
    blob: Uint8Array;
    clients: number;
    keyCount: number;
    total: number;
  },
): Promise<{ rates: number[]; cpus: number[] }> {
  const rates: number[] = [];
  const cpus: number[] = [];
  for (const flavor of servers) {
    const requests = Array.from(
      { length: options.keyCount },
      (_, k) => options.op === "set" ? flavor.set(`t${k}`, options.blob) : flavor.get(`t${k}`),
    );
    const cpuBeforeMs = cpuMs(flavor.server.pid);
    const result = await runLoad(flavor.server.port, {
      clients: options.clients,
      total: options.total,
      request: (i) => requests[i % options.keyCount] as Uint8Array,
    });
    rates.push(result.perSecond);
    cpus.push(((cpuMs(flavor.server.pid) - cpuBeforeMs) * 1000) / result.requests);
  }
  return { rates, cpus };
}

async function throughput(servers: readonly [Flavor, Flavor, Flavor]): Promise<void> {
  for (const size of SIZES) {
    const blob = floatBlob(size.bytes);
    const rates: Row[] = [];
    const cpus: Row[] = [];
    const floor: Row[] = [];
    for (const clients of CLIENTS) {
      const keyCount = Math.max(1, Math.min(clients, Math.floor(STORED_BYTES_MAX / size.bytes)));
      const total = Math.max(clients, Math.round(size.total * scale));
      for (const op of ["set", "get"] as const) {
        const measured = await measure(servers, { op, blob, clients, keyCount, total });
        const [ours = 0, reference = 0, floorRate = 0] = measured.rates;
        const [oursCpu = 0, referenceCpu = 0, floorCpu = 0] = measured.cpus;
        const clientsText = `${clients} client${clients > 1 ? "s" : ""}`;
        const [command, referenceCommand] = op === "set"
          ? ["TENSORSET", "SET"]
          : ["TENSORGET BLOB", "GET"];
        const name = `${command} vs ${referenceCommand}, ${clientsText}`;
        const mibPerSec = ((ours * blob.length) / MIB).toFixed(0);
        rates.push({ name: `${name} (${mibPerSec} MiB/s)`, ours, reference, unit: "ops/s" });
        cpus.push({ name, ours: oursCpu, reference: referenceCpu, unit: "µs" });
        const floorName = `${referenceCommand}, ${clientsText}`;
        floor.push({ name: `${floorName}: requests/s`, ours: floorRate, reference, unit: "ops/s" });
        floor.push({
          name: `${floorName}: server CPU per request`,
          ours: floorCpu,
          reference: referenceCpu,
          unit: "µs",
        });
      }
    }
    printRatios(`FLOAT tensor of ${size.name}: requests/s (higher is better)`, rates);
    printRatios(`FLOAT tensor of ${size.name}: server CPU per request (lower is better)`, cpus);
    printRatios(`${size.name}: the Deno floor (floor_server.ts) vs redis-server`, floor, [
      "Deno floor",
      "redis-server",
    ]);
  }
}

/** RSS growth and peak growth per 64 MiB write, in blob sizes, on a fresh server. */
async function memoryPerWrite(
  flavor: Flavor,
  writes: number,
): Promise<{ rss: number; peak: number }> {
  const blob = floatBlob(64 * MIB);
  const requests = Array.from({ length: writes }, (_, k) => flavor.set(`m${k}`, blob));
  const before = memoryKb(flavor.server.pid);
  await runLoad(flavor.server.port, {
    clients: 1,
    total: writes,
    request: (_, n) => requests[n] as Uint8Array,
  });
  const after = memoryKb(flavor.server.pid);
  const perWrite = (kb: number) => (kb * KIB) / writes / blob.length;
  return {
    rss: perWrite(after.rssKb - before.rssKb),
    peak: perWrite(after.peakKb - before.peakKb),
  };
}

const inferdb = await startInferdb();
const redis = await startRedis();
const floor = await startFloor();
try {
  const writes = 4;
  const ours = tensorFlavor(inferdb);
  const reference = stringFlavor(redis);
  const o = await memoryPerWrite(ours, writes);
  const r = await memoryPerWrite(reference, writes);
  console.log(
    `\n## Memory per 64 MiB write (${writes} distinct keys, fresh servers; 1.00 = the blob itself)`,
  );
  console.log("| server | RSS growth / write | peak RSS growth / write |");
  console.log("| --- | ---: | ---: |");
  console.log(`| inferdb AI.TENSORSET | ${o.rss.toFixed(2)}× | ${o.peak.toFixed(2)}× |`);
  console.log(`| redis-server SET | ${r.rss.toFixed(2)}× | ${r.peak.toFixed(2)}× |`);
  await throughput([ours, reference, stringFlavor(floor)]);
} finally {
  await inferdb.stop();
  await redis.stop();
  await floor.stop();
}
