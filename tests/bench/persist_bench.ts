/**
 * Persistence benchmark, side by side:
 * 1. snapshot write (capture, stream, fsync, rename) and load of N MiB of tensors in 1 MiB
 *    pieces, against `dd` writing (conv=fsync) and reading the same amount on the same disk;
 *    target ≥ 0.7× dd;
 * 2. SET throughput with `appendonly yes, appendfsync everysec` against no persistence, for
 *    inferdb and Debian's redis-server under the same settings (redis-benchmark drives both);
 *    target ≥ 0.8×.
 *
 * `deno run -A tests/bench/persist_bench.ts [--mib 1024] [--requests 200000] [--drop-caches]`
 * (`--drop-caches`, as root, empties the page cache before each read so both read the disk;
 * without it both read warm pages).
 */
import { CommandTable } from "../../core/command.ts";
import { defaultConfig } from "../../core/config.ts";
import { Keyspace } from "../../core/keyspace.ts";
import { readSnapshotFile } from "../../core/persist/snapshot_reader.ts";
import { captureKeyspace, saveSnapshotFile } from "../../core/persist/snapshot_writer.ts";
import { ServerState } from "../../core/server_state.ts";
import { numericTensor, tensorEntryBytes } from "../../core/tensor.ts";
import { printRatios, startInferdb, startRedis } from "./lib.ts";

const MIB = 1024 * 1024;

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const mib = flag("mib", 1024);
const requests = flag("requests", 200_000);
const dropCaches = Deno.args.includes("--drop-caches");

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  return text;
}

async function coldCache(): Promise<void> {
  if (!dropCaches) return;
  await run("sync", []);
  await Deno.writeTextFile("/proc/sys/vm/drop_caches", "3");
}

/** dd's own timing ("copied, X s"), in MiB/s. */
async function ddMibPerSec(args: string[]): Promise<number> {
  const text = await run("dd", [...args, "bs=1M", `count=${mib}`]);
  const seconds = Number(/copied, ([\d.e+-]+) s/.exec(text)?.[1]);
  return mib / seconds;
}

async function snapshotRows(dir: string) {
  const server = new ServerState(defaultConfig(), new CommandTable([]));
  const ks: Keyspace = server.keyspace;
  for (let i = 0; i < mib; i++) {
    const bytes = new Uint8Array(MIB);
    bytes.fill(i & 255);
    const tensor = numericTensor("FLOAT", [MIB / 4], bytes);
    ks.db(0).set(`tensor:${i}`, { type: "tensor", value: tensor, bytes: tensorEntryBytes(tensor) });
  }
  const path = `${dir}/dump.idb`;
  let writeOurs = 0;
  let writeDd = 0;
  let readOurs = 0;
  let readDd = 0;
  // Best of three: the machine may be shared; each side gets its quietest run.
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    await saveSnapshotFile(path, captureKeyspace(ks));
    writeOurs = Math.max(writeOurs, mib / ((performance.now() - t) / 1000));
    writeDd = Math.max(
      writeDd,
      await ddMibPerSec(["if=/dev/zero", `of=${dir}/dd.bin`, "conv=fsync"]),
    );
    await coldCache();
    t = performance.now();
    const loaded = await readSnapshotFile(path, { server });
    readOurs = Math.max(readOurs, mib / ((performance.now() - t) / 1000));
    if (loaded?.keys !== mib) throw new Error(`loaded ${loaded?.keys} keys, wrote ${mib}`);
    await coldCache();
    readDd = Math.max(readDd, await ddMibPerSec([`if=${dir}/dd.bin`, "of=/dev/null"]));
  }
  return [
    {
      name: `snapshot write ${mib} MiB (vs dd conv=fsync)`,
      ours: writeOurs,
      reference: writeDd,
      unit: "MiB/s",
    },
    {
      name: `snapshot load ${mib} MiB (vs dd read)`,
      ours: readOurs,
      reference: readDd,
      unit: "MiB/s",
    },
  ];
}

async function setRps(port: number): Promise<number> {
  const text = await run("redis-benchmark", [
    "-p",
    String(port),
    "-t",
    "set",
    "-n",
    String(requests),
    "-c",
    "50",
    "-d",
    "100",
    "-r",
    "100000",
    "-q",
  ]);
  const rps = Number(/([\d.]+) requests per second/.exec(text)?.[1]);
  if (!(rps > 0)) throw new Error(`unexpected redis-benchmark output: ${text}`);
  return rps;
}

async function aofRows(dir: string) {
  const settings = {
    off: ["--appendonly", "no", "--save", ""],
    everysec: ["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
  };
  const rps: Record<string, number> = {};
  for (const [server, start] of [["inferdb", startInferdb], ["redis", startRedis]] as const) {
    for (const [name, flags] of Object.entries(settings)) {
      const where = `${dir}/${server}-${name}`;
      await Deno.mkdir(where);
      const proc = await start([...flags, "--dir", where]);
      try {
        rps[`${server}-${name}`] = await setRps(proc.port);
      } finally {
        await proc.stop();
      }
    }
  }
  const row = (server: string) => ({
    name: `${server}: SET rps, appendfsync everysec vs no AOF`,
    ours: rps[`${server}-everysec`] ?? 0,
    reference: rps[`${server}-off`] ?? 0,
    unit: "rps",
  });
  return [row("inferdb"), row("redis")];
}

const dir = await Deno.makeTempDir({ prefix: "inferdb-persist-bench-" });
try {
  printRatios(
    `snapshots: ${mib} MiB of 1 MiB tensors vs dd${dropCaches ? " (cold cache)" : " (warm cache)"}`,
    await snapshotRows(dir),
  );
  printRatios(`append-only log: ${requests} SETs, 50 clients, 100-byte values`, await aofRows(dir));
} finally {
  await Deno.remove(dir, { recursive: true });
}
