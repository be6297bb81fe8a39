/**
 * Issue 6 benchmark: one mnist inference as a single AI.DAGEXECUTE (TENSORSET one.raw →
 * MODELEXECUTE → TENSORGET BLOB, intermediates never stored) against the same three commands
 * sent one by one (three round trips) and pipelined (one write, three replies), with 1 and 16
 * clients. Modes are measured in alternating rounds so load drift on the machine hits all of
 * them; every reply is checked (the digit must be 1).
 *
 * Prints latency per inference (p50 and mean) and throughput, with the speedup of the DAG
 * over each other mode. Target: the DAG beats sequential round trips by ≥ 1.5× at 1 client.
 *
 * Usage: deno run -A tests/bench/dag_bench.ts [seconds per mode and client count = 6]
 */
import { encodeCommand, RawClient, Wire } from "../helpers/raw_client.ts";
import { startInferdb } from "./lib.ts";
import { concatBytes } from "../../core/bytes.ts";

const seconds = Number(Deno.args[0] ?? 6);
const CLIENTS = [1, 16];
const ROUNDS = 3;
const testdata = new URL("../../../shared/testdata/redisai/", import.meta.url);
const mnist = await Deno.readFile(new URL("mnist.onnx", testdata));
const one = await Deno.readFile(new URL("one.raw", testdata));

type Mode = "dag" | "sequential" | "pipelined";
const MODES: readonly Mode[] = ["dag", "sequential", "pipelined"];

/** The three commands of one inference for client `i`, encoded. */
function commands(i: number): Uint8Array[] {
  return [
    encodeCommand(["AI.TENSORSET", `in${i}`, "FLOAT", "1", "1", "28", "28", "BLOB", one]),
    encodeCommand(["AI.MODELEXECUTE", "mnist", "INPUTS", "1", `in${i}`, "OUTPUTS", "1", `out${i}`]),
    encodeCommand(["AI.TENSORGET", `out${i}`, "BLOB"]),
  ];
}

function dagCommand(i: number): Uint8Array {
  return encodeCommand([
    ..."AI.DAGEXECUTE ROUTING".split(" "),
    `in${i}`,
    ..."|> AI.TENSORSET in FLOAT 1 1 28 28 BLOB".split(" "),
    one,
    ..."|> AI.MODELEXECUTE mnist INPUTS 1 in OUTPUTS 1 out |> AI.TENSORGET out BLOB".split(" "),
  ]);
}

function digit(reply: Wire): number {
  if (reply === null || typeof reply !== "object" || !("bytes" in reply)) {
    throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  }
  const values = new Float32Array(reply.bytes.slice().buffer);
  return values.indexOf(Math.max(...values));
}

/** One inference in `mode` on client `c` (number `i`); throws on a wrong answer. */
async function infer(mode: Mode, c: RawClient, i: number): Promise<void> {
  let out: Wire = null;
  if (mode === "dag") {
    await c.send(dagCommand(i));
    const reply = await c.read();
    if (!Array.isArray(reply)) throw new Error(`DAG failed: ${JSON.stringify(reply)}`);
    out = reply[2] as Wire;
  } else if (mode === "sequential") {
    for (const command of commands(i)) {
      await c.send(command);
      out = await c.read();
    }
  } else {
    const parts = commands(i);
    await c.send(concatBytes(parts));
    for (let k = 0; k < parts.length; k++) out = await c.read();
  }
  if (digit(out) !== 1) throw new Error(`${mode}: wrong digit`);
}

/** Runs every client's loop for `ms`; returns each inference's latency in ms. */
async function measure(mode: Mode, clients: RawClient[], ms: number): Promise<number[]> {
  await Promise.all(clients.map((c, i) => infer(mode, c, i))); // warm-up and check
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  await Promise.all(clients.map(async (c, i) => {
    while (performance.now() < deadline) {
      const start = performance.now();
      await infer(mode, c, i);
      latencies.push(performance.now() - start);
    }
  }));
  return latencies;
}

function summary(latencies: number[]) {
  const sorted = latencies.slice().sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50, mean, rate: latencies.length / seconds };
}

const server = await startInferdb();
try {
  const setup = await RawClient.connect(server.port);
  const stored = await setup.call("AI.MODELSTORE", "mnist", "ONNX", "CPU", "BLOB", mnist);
  if (JSON.stringify(stored) !== '{"status":"OK"}') throw new Error(JSON.stringify(stored));
  setup.close();
  console.log(`\n## mnist: one DAG vs three commands, ${seconds} s per mode and client count`);
  console.log(
    "| clients | mode | p50 ms | mean ms | inferences/s | DAG speedup (p50) | DAG speedup (mean) |",
  );
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const n of CLIENTS) {
    const clients = await Promise.all(Array.from({ length: n }, async () => {
      const c = await RawClient.connect(server.port);
      c.binary = true;
      return c;
    }));
    const latencies = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of MODES) {
        latencies.get(mode)?.push(...await measure(mode, clients, (seconds * 1000) / ROUNDS));
      }
    }
    for (const c of clients) c.close();
    const dag = summary(latencies.get("dag") ?? []);
    for (const mode of MODES) {
      const s = summary(latencies.get(mode) ?? []);
      console.log(
        `| ${n} | ${mode} | ${s.p50.toFixed(3)} | ${s.mean.toFixed(3)} | ${s.rate.toFixed(0)} | ${
          (s.p50 / dag.p50).toFixed(2)
        }× | ${(s.mean / dag.mean).toFixed(2)}× |`,
      );
    }
  }
} finally {
  await server.stop();
}
