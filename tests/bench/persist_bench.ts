/**
 * Persistence benchmark, side by side:
 * 1. snapshot write (capture, stream, fsync, rename) and load of N MiB of tensors in 1 MiB
 *    pieces, against `dd` writing (conv=fsync) and reading the same amount on the same disk;
 *    target ≥ 0.7× dd;
 * 2. SET throughput with `appendonly yes, appendfsync everysec` against no persistence, for
 *    inferdb and Debian's redis-server under the same settings (redis-benchmark drives both);
 *    target ≥ 0.8×.
 *
 * `deno run -A tests/bench/persist_bench.ts [--mib 1024] [--rounds 3] [--requests 200000]
 * [--warm]` (`--requests 0` runs the snapshot part only)
 *
 * Reads are measured from the disk: where /proc/sys/vm/drop_caches is writable (root), the
 * page cache is emptied before every read, ours and dd's (dd reads the snapshot file itself).
 * Otherwise, or with `--warm`, both read cached pages, and dd's figure is a memory copy into
 * one reused buffer, not the disk; the table title says which. Before every write, ours and
 * dd's, dirty pages are synced and the previous output removed, so both start alike. Each side
 * writes and reads first in alternate rounds and gets its best of `--rounds` rounds (the
 * machine may be shared).
 */
import process from "node:process";
import { CommandTable } from "../../core/command.ts";
import { defaultConfig } from "../../core/config.ts";
import { Keyspace } from "../../core/keyspace.ts";
import { readSnapshotFile } from "../../core/persist/snapshot_reader.ts";
import { captureKeyspace, saveSnapshotFile } from "../../core/persist/snapshot_writer.ts";
import { ServerState } from "../../core/server_state.ts";
import { numericTensor, tensorEntryBytes } from "../../core/tensor.ts";
import { printRatios, startInferdb, startRedis } from "./lib.ts";

const MIB = 1024 * 1024;
const DROP_CACHES = "/proc/sys/vm/drop_caches";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const mib = flag("mib", 1024);
const rounds = flag("rounds", 3);
const requests = flag("requests", 200_000);

async function canDropCaches(): Promise<boolean> {
  if (Deno.args.includes("--warm")) return false;
  try {
    await Deno.writeTextFile(DROP_CACHES, "3");
    return true;
  } catch {
    return false;
  }
}

const loadAt = Deno.args.indexOf("--load");
if (loadAt >= 0) {
  await loadChild(Deno.args[loadAt + 1] ?? "");
  Deno.exit(0);
}

const cold = await canDropCaches();

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** Before a read: empties the page cache (when cold), so the read goes to the disk. */
async function beforeRead(): Promise<void> {
  await run("sync", []);
  if (cold) await Deno.writeTextFile(DROP_CACHES, "3");
}

/** Before a write: no dirty pages of earlier runs, no old output to replace. */
async function beforeWrite(paths: readonly string[]): Promise<void> {
  for (const path of paths) await Deno.remove(path).catch(() => {});
  await beforeRead();
}

/** dd's own timing ("N bytes ... copied, X s"), in MiB/s. */
async function ddMibPerSec(args: string[]): Promise<number> {
  const text = await run("dd", [...args, "bs=1M"]);
  const match = /(\d+) bytes .*copied, ([\d.e+-]+) s/.exec(text);
  return Number(match?.[1]) / MIB / Number(match?.[2]);
}

/** CPU seconds (user and system) this process has used since `from`. */
function cpuSeconds(from?: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

/**
 * Loads the snapshot at `path` in a fresh process, like a restart (in this one, tensor memory
 * freed by an earlier round would be reused without page faults): its seconds and CPU seconds.
 */
async function timedLoad(path: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const script = new URL(import.meta.url).pathname;
  const text = await run(Deno.execPath(), ["run", "-A", script, "--load", path]);
  const [, seconds, cpu, keys] = /^load seconds ([\d.]+) cpu ([\d.]+) keys (\d+)$/m.exec(text) ??
    [];
  if (Number(keys) !== mib) throw new Error(`loaded ${keys} keys, wrote ${mib}:\n${text}`);
  return { seconds: Number(seconds), cpuSeconds: Number(cpu) };
}

/** The child's side of `timedLoad()`. */
async function loadChild(path: string): Promise<void> {
  const server = new ServerState(defaultConfig(), new CommandTable([]));
  const cpu = process.cpuUsage();
  const t = performance.now();
  const loaded = await readSnapshotFile(path, { server });
  const seconds = (performance.now() - t) / 1000;
  console.log(`load seconds ${seconds} cpu ${cpuSeconds(cpu)} keys ${loaded?.keys}`);
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
  const ddPath = `${dir}/dd.bin`;
  const best = { writeOurs: 0, writeDd: 0, readOurs: 0, readDd: 0 };
  const seen: Record<keyof typeof best, string[]> = {
    writeOurs: [],
    writeDd: [],
    readOurs: [],
    readDd: [],
  };
  const note = (key: keyof typeof best, mibPerSec: number) => {
    best[key] = Math.max(best[key], mibPerSec);
    seen[key].push(mibPerSec.toFixed(0));
  };
  // CPU seconds of ours, per round: on a busy machine our side (CPU-bound) suffers, dd hardly.
  const cpu = { write: [] as string[], load: [] as string[] };
  const writeOurs = async () => {
    await beforeWrite([path]);
    const used = process.cpuUsage();
    const t = performance.now();
    await saveSnapshotFile(path, captureKeyspace(ks));
    note("writeOurs", mib / ((performance.now() - t) / 1000));
    cpu.write.push(cpuSeconds(used).toFixed(2));
  };
  const writeDd = async () => {
    await beforeWrite([ddPath]);
    note(
      "writeDd",
      await ddMibPerSec(["if=/dev/zero", `of=${ddPath}`, `count=${mib}`, "conv=fsync"]),
    );
  };
  const readOurs = async () => {
    await beforeRead();
    const load = await timedLoad(path);
    note("readOurs", (await Deno.stat(path)).size / MIB / load.seconds);
    cpu.load.push(load.cpuSeconds.toFixed(2));
  };
  const readDd = async () => {
    await beforeRead();
    note("readDd", await ddMibPerSec([`if=${path}`, "of=/dev/null"]));
  };
  for (let round = 0; round < rounds; round++) {
    // Each side goes first in alternate rounds: right after a large write the disk can still
    // be busy with it (the host's own cache), and neither side should always get that turn.
    const steps = round % 2 === 0
      ? [writeOurs, writeDd, readOurs, readDd]
      : [writeDd, writeOurs, readDd, readOurs];
    for (const step of steps) await step();
  }
  console.log(
    `rounds (MiB/s): write ${seen.writeOurs.join(" ")} vs dd ${seen.writeDd.join(" ")}; ` +
      `load ${seen.readOurs.join(" ")} vs dd ${seen.readDd.join(" ")}\n` +
      `inferdb CPU seconds: write ${cpu.write.join(" ")}; load ${cpu.load.join(" ")}`,
  );
  return [
    {
      name: `snapshot write ${mib} MiB (vs dd conv=fsync)`,
      ours: best.writeOurs,
      reference: best.writeDd,
      unit: "MiB/s",
    },
    {
      name: `snapshot load ${mib} MiB (vs dd read of the snapshot file)`,
      ours: best.readOurs,
      reference: best.readDd,
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
  const cache = cold
    ? "cold page cache: dropped before every read"
    : "WARM page cache: reads come from memory, dd's read is a memory copy";
  printRatios(
    `snapshots: ${mib} MiB of 1 MiB tensors vs dd, best of ${rounds} (${cache})`,
    await snapshotRows(dir),
  );
  if (requests > 0) {
    printRatios(
      `append-only log: ${requests} SETs, 50 clients, 100-byte values`,
      await aofRows(dir),
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
