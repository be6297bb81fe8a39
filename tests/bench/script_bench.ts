/**
 * Issue 5 benchmark: scripts.
 *
 * 1. Per-call overhead: `AI.SCRIPTEXECUTE` of `tensors[0] + tensors[1]` on two FLOAT 1×784
 *    tensors (output stored) against an `AI.TENSORGET ... BLOB` round trip of one of them,
 *    one client, measured in alternating rounds. Target: ≤ 2× the TENSORGET latency.
 * 2. Throughput of an MNIST pre-processing script (UINT8 1×28×28 → normalized FLOAT
 *    1×1×28×28) with 16 clients, beside TENSORGET BLOB throughput of the same 16 clients.
 *
 * Every reply is checked. Usage: deno run -A tests/bench/script_bench.ts [seconds per mode = 4]
 */
import { encodeCommand, RawClient, Wire } from "../helpers/raw_client.ts";
import { printRatios, startInferdb } from "./lib.ts";

const seconds = Number(Deno.args[0] ?? 4);
const ROUNDS = 3;
const CLIENTS = 16;

const SOURCE = `def add(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]

def pre_process(tensors: List[Tensor], keys: List[str], args: List[str]):
    image = tensors[0]
    mean = torch.zeros(1).float()
    std = torch.zeros(1).float()
    mean[0] = 0.1307
    std[0] = 0.3081
    return image.float().div(255).sub(mean).div(std).unsqueeze(0)
`;

function expectOk(reply: Wire, what: string): void {
  if (
    reply === null || typeof reply !== "object" || !("status" in reply) || reply.status !== "OK"
  ) {
    throw new Error(`${what}: ${JSON.stringify(reply)}`);
  }
}

function expectBlob(reply: Wire, bytes: number): void {
  if (
    reply === null || typeof reply !== "object" || !("bytes" in reply) ||
    reply.bytes.length !== bytes
  ) {
    throw new Error(`TENSORGET: ${JSON.stringify(reply)}`);
  }
}

/** Runs `op` on every client in a loop for `ms`; returns latencies (ms) of each call. */
async function loop(
  clients: RawClient[],
  ms: number,
  op: (c: RawClient, i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  await Promise.all(clients.map(async (c, i) => {
    while (performance.now() < deadline) {
      const start = performance.now();
      await op(c, i);
      latencies.push(performance.now() - start);
    }
  }));
  return latencies;
}

function p50(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const server = await startInferdb();
const clients: RawClient[] = [];
try {
  for (let i = 0; i < CLIENTS; i++) clients.push(await RawClient.connect(server.port));
  for (const c of clients) c.binary = true;
  const first = clients[0] as RawClient;
  expectOk(
    await first.call(
      "AI.SCRIPTSTORE",
      "s",
      "CPU",
      "ENTRY_POINTS",
      2,
      "add",
      "pre_process",
      "SOURCE",
      SOURCE,
    ),
    "store",
  );
  const floats = new Uint8Array(new Float32Array(784).map((_, i) => i / 784).buffer);
  for (const k of ["a", "b"]) {
    expectOk(await first.call("AI.TENSORSET", k, "FLOAT", 1, 784, "BLOB", floats), "set");
  }
  const image = new Uint8Array(784).map((_, i) => (i * 7) % 256);
  for (let i = 0; i < CLIENTS; i++) {
    expectOk(await first.call("AI.TENSORSET", `img${i}`, "UINT8", 1, 28, 28, "BLOB", image), "set");
  }

  const execute = encodeCommand([
    "AI.SCRIPTEXECUTE",
    "s",
    "add",
    "INPUTS",
    2,
    "a",
    "b",
    "OUTPUTS",
    1,
    "c",
  ]);
  const get = encodeCommand(["AI.TENSORGET", "a", "BLOB"]);
  const pre = clients.map((_, i) =>
    encodeCommand([
      "AI.SCRIPTEXECUTE",
      "s",
      "pre_process",
      "INPUTS",
      1,
      `img${i}`,
      "OUTPUTS",
      1,
      `out${i}`,
    ])
  );
  const scriptCall = async (c: RawClient) => {
    await c.send(execute);
    expectOk(await c.read(), "SCRIPTEXECUTE");
  };
  const getCall = async (c: RawClient) => {
    await c.send(get);
    expectBlob(await c.read(), 784 * 4);
  };
  const preCall = async (c: RawClient, i: number) => {
    await c.send(pre[i] as Uint8Array);
    expectOk(await c.read(), "pre_process");
  };

  const roundMs = (seconds * 1000) / ROUNDS;
  const one = [first];
  const overhead = { script: [] as number[], get: [] as number[] };
  const throughput = { script: 0, get: 0 };
  await loop(one, 200, scriptCall);
  await loop(clients, 200, preCall);
  for (let r = 0; r < ROUNDS; r++) {
    overhead.script.push(...await loop(one, roundMs, scriptCall));
    overhead.get.push(...await loop(one, roundMs, getCall));
    throughput.script += (await loop(clients, roundMs, preCall)).length;
    throughput.get += (await loop(clients, roundMs, getCall)).length;
  }
  const totalS = (roundMs * ROUNDS) / 1000;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  printRatios("Per-call latency, 1 client: SCRIPTEXECUTE a+b (1×784 FLOAT) vs TENSORGET BLOB", [
    {
      name: "p50",
      ours: p50(overhead.script) * 1000,
      reference: p50(overhead.get) * 1000,
      unit: "µs",
    },
    {
      name: "mean",
      ours: mean(overhead.script) * 1000,
      reference: mean(overhead.get) * 1000,
      unit: "µs",
    },
  ]);
  printRatios(`Throughput, ${CLIENTS} clients: MNIST pre-processing script vs TENSORGET BLOB`, [
    {
      name: "calls/s",
      ours: throughput.script / totalS,
      reference: throughput.get / totalS,
      unit: "/s",
    },
  ]);
  console.log(
    `\nTarget: SCRIPTEXECUTE p50 ≤ 2× TENSORGET p50 (ratio ${
      (p50(overhead.script) / p50(overhead.get)).toFixed(2)
    }×)`,
  );
} finally {
  for (const c of clients) c.close();
  await server.stop();
}
