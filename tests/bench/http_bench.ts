/**
 * Issue 8 benchmark: HTTP against RESP on one inferdb process, with the same number of
 * clients and equally lean clients on both sides (raw keep-alive sockets, one request in
 * flight per connection), so the ratio shows the server's cost per protocol:
 *
 * 1. mnist inference: `POST /v2/models/mnist/infer` with the binary-data extension vs RESP
 *    `AI.TENSORSET` + `AI.MODELEXECUTE` + `AI.TENSORGET ... BLOB` pipelined in one write
 *    (target ≥ 0.7×).
 * 2. `GET /tensors/{key}` of 1 MiB as raw bytes vs `AI.TENSORGET key BLOB` (target ≥ 0.8×).
 *
 * Usage: deno run -A tests/bench/http_bench.ts [seconds per case = 5] [clients = 8]
 * (`HTTP_BENCH_CASES=get` runs one case.)
 */
import { cpuMs, freePort, printRatios, startInferdb } from "./lib.ts";
import { encodeCommand } from "../helpers/raw_client.ts";
import { concatBytes } from "../../core/bytes.ts";

const seconds = Number(Deno.args[0] ?? 5);
const clients = Number(Deno.args[1] ?? 8);
const testdata = new URL("../../../shared/testdata/redisai/", import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A socket with a growable read buffer: lines and exact byte counts, as both protocols need. */
class ByteConn {
  private buf = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;

  private constructor(private readonly conn: Deno.TcpConn) {}

  static async open(port: number): Promise<ByteConn> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new ByteConn(conn);
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
  }

  private async fill(need: number): Promise<void> {
    while (this.end - this.start < need) {
      if (this.buf.length - this.start < need || this.end === this.buf.length) {
        const next = new Uint8Array(Math.max(this.buf.length, need * 2));
        next.set(this.buf.subarray(this.start, this.end));
        this.end -= this.start;
        this.start = 0;
        this.buf = next;
      }
      const n = await this.conn.read(this.buf.subarray(this.end));
      if (n === null) throw new Error("connection closed");
      this.end += n;
    }
  }

  async line(): Promise<string> {
    for (let scanned = 0;; await this.fill(this.end - this.start + 1)) {
      const at = this.buf.subarray(this.start + scanned, this.end).indexOf(10);
      if (at >= 0) {
        const text = decoder.decode(
          this.buf.subarray(this.start, this.start + scanned + at - 1),
        );
        this.start += scanned + at + 1;
        return text;
      }
      scanned = this.end - this.start;
    }
  }

  async exact(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const out = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    return out;
  }

  close(): void {
    this.conn.close();
  }
}

/** Reads one RESP reply; returns the payload of a bulk string, else the line. */
async function respReply(c: ByteConn): Promise<Uint8Array | string> {
  const line = await c.line();
  if (line[0] === "-") throw new Error(line);
  if (line[0] === "$") return (await c.exact(Number(line.slice(1)) + 2)).subarray(0, -2);
  if (line[0] === "*") {
    for (let i = Number(line.slice(1)); i > 0; i--) await respReply(c);
  }
  return line;
}

/** Sends one HTTP/1.1 request (`head`: request line and headers); returns headers and body. */
async function httpRequest(c: ByteConn, head: string, body?: Uint8Array) {
  const length = body === undefined ? "" : `content-length: ${body.length}\r\n`;
  await c.write(encoder.encode(`${head}\r\nhost: bench\r\n${length}\r\n`));
  if (body !== undefined) await c.write(body);
  const status = Number((await c.line()).split(" ")[1]);
  const headers = new Map<string, string>();
  for (let line = await c.line(); line !== ""; line = await c.line()) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const bodyBytes = await c.exact(Number(headers.get("content-length") ?? 0));
  if (status !== 200) throw new Error(`HTTP ${status}: ${decoder.decode(bodyBytes)}`);
  return { headers, body: bodyBytes };
}

type Op = (c: ByteConn, client: number) => Promise<void>;

/** Runs `clients` loops of `op` for `ms`; returns how many operations completed. */
async function run(port: number, op: Op, ms: number): Promise<number> {
  const conns = await Promise.all(Array.from({ length: clients }, () => ByteConn.open(port)));
  await Promise.all(conns.map((c, i) => op(c, i))); // warm-up, and a correctness check
  let ops = 0;
  const deadline = performance.now() + ms;
  await Promise.all(conns.map(async (c, i) => {
    while (performance.now() < deadline) {
      await op(c, i);
      ops++;
    }
  }));
  for (const c of conns) c.close();
  return ops;
}

interface Side {
  /** Requests per second. */
  rate: number;
  /** Server CPU (user + system) per request, in µs. */
  cpuUs: number;
}

/** Each side measured in alternating rounds, so load drift on the machine hits both. */
async function compare(http: [number, Op], resp: [number, Op]): Promise<[Side, Side]> {
  const rounds = 3;
  const ms = (seconds * 1000) / rounds;
  const totals = [{ ops: 0, cpuMs: 0 }, { ops: 0, cpuMs: 0 }];
  for (let r = 0; r < rounds; r++) {
    for (const [i, [port, op]] of [http, resp].entries()) {
      const before = cpuMs(server.pid);
      const ops = await run(port, op, ms);
      const total = totals[i] as { ops: number; cpuMs: number };
      total.cpuMs += cpuMs(server.pid) - before;
      total.ops += ops;
    }
  }
  const side = ({ ops, cpuMs }: { ops: number; cpuMs: number }) => ({
    rate: ops / seconds,
    cpuUs: (cpuMs * 1000) / ops,
  });
  return [
    side(totals[0] as { ops: number; cpuMs: number }),
    side(totals[1] as { ops: number; cpuMs: number }),
  ];
}

function argmax(bytes: Uint8Array): number {
  const values = new Float32Array(bytes.slice().buffer);
  return values.indexOf(Math.max(...values));
}

/** mnist via KServe v2 (binary in and out) vs TENSORSET + MODELEXECUTE + TENSORGET over RESP. */
async function benchInfer(respPort: number, httpPort: number) {
  const setup = await ByteConn.open(respPort);
  const mnist = await Deno.readFile(new URL("mnist.onnx", testdata));
  await setup.write(encodeCommand(["AI.MODELSTORE", "mnist", "ONNX", "CPU", "BLOB", mnist]));
  await respReply(setup);
  setup.close();
  const one = await Deno.readFile(new URL("one.raw", testdata));
  const meta = await (await fetch(`http://127.0.0.1:${httpPort}/v2/models/mnist`)).json();
  const header = encoder.encode(JSON.stringify({
    inputs: [{
      name: meta.inputs[0].name,
      datatype: "FP32",
      shape: [1, 1, 28, 28],
      parameters: { binary_data_size: one.length },
    }],
    parameters: { binary_data_output: true },
  }));
  const body = new Uint8Array(header.length + one.length);
  body.set(header);
  body.set(one, header.length);
  const head =
    "POST /v2/models/mnist/infer HTTP/1.1\r\ncontent-type: application/octet-stream\r\n" +
    `inference-header-content-length: ${header.length}`;
  const [http, resp] = await compare([httpPort, async (c) => {
    const r = await httpRequest(c, head, body);
    const json = Number(r.headers.get("inference-header-content-length"));
    if (argmax(r.body.subarray(json)) !== 1) throw new Error("HTTP mnist answered wrongly");
  }], [respPort, async (c, i) => {
    const input = ["AI.TENSORSET", `in${i}`, "FLOAT", "1", "1", "28", "28", "BLOB", one];
    const execute = [
      "AI.MODELEXECUTE",
      "mnist",
      "INPUTS",
      "1",
      `in${i}`,
      "OUTPUTS",
      "1",
      `out${i}`,
    ];
    const output = ["AI.TENSORGET", `out${i}`, "BLOB"];
    await c.write(concatBytes([input, execute, output].map(encodeCommand)));
    await respReply(c);
    await respReply(c);
    const out = await respReply(c);
    if (typeof out === "string" || argmax(out) !== 1) {
      throw new Error("RESP mnist answered wrongly");
    }
  }]);
  return rows("mnist infer (v2 binary vs MODELEXECUTE)", http, resp);
}

/** GET /tensors/{key} of 1 MiB raw vs AI.TENSORGET key BLOB. */
async function benchTensorGet(respPort: number, httpPort: number) {
  const setup = await ByteConn.open(respPort);
  const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
  await setup.write(
    encodeCommand(["AI.TENSORSET", "big", "UINT8", String(big.length), "BLOB", big]),
  );
  await respReply(setup);
  setup.close();
  const check = (bytes: Uint8Array | string) => {
    if (typeof bytes === "string" || bytes.length !== big.length || bytes[300] !== big[300]) {
      throw new Error("wrong tensor bytes");
    }
  };
  const [http, resp] = await compare([httpPort, async (c) => {
    check(
      (await httpRequest(c, "GET /tensors/big HTTP/1.1\r\naccept: application/octet-stream")).body,
    );
  }], [respPort, async (c) => {
    await c.write(encodeCommand(["AI.TENSORGET", "big", "BLOB"]));
    check(await respReply(c));
  }]);
  return rows("1 MiB tensor GET (raw vs TENSORGET BLOB)", http, resp);
}

/** A throughput row and a server-CPU row (its ratio inverted, so higher is better too). */
function rows(name: string, http: Side, resp: Side) {
  return [
    { name, ours: http.rate, reference: resp.rate, unit: "req/s" },
    { name: `${name}, server CPU`, ours: resp.cpuUs, reference: http.cpuUs, unit: "µs/req" },
  ];
}

const httpPort = freePort();
const server = await startInferdb(["--http-port", String(httpPort)]);
try {
  const cases = Deno.env.get("HTTP_BENCH_CASES")?.split(",") ?? ["infer", "get"];
  const table = [];
  if (cases.includes("infer")) table.push(...await benchInfer(server.port, httpPort));
  if (cases.includes("get")) table.push(...await benchTensorGet(server.port, httpPort));
  printRatios(
    `HTTP vs RESP, ${clients} clients, ${seconds} s per case. Columns: HTTP, RESP, HTTP/RESP ` +
      "(server-CPU rows list RESP then HTTP µs/req, so that ratio is RESP/HTTP)",
    table,
  );
} finally {
  await server.stop();
}
