/**
 * DAGs on the shared run queues, over RESP: DAG model ops batch with each other and with
 * plain AI.MODELEXECUTE (mnist_batched with MINBATCHSIZE 2 and no MINBATCHTIMEOUT, so a
 * request alone would wait for ever: both finishing proves they ran as one batch), many DAGs
 * from concurrent clients all get their own answers, and TIMEOUT covers the whole DAG.
 */
import assert from "node:assert/strict";
import { RawClient, Wire } from "./helpers/raw_client.ts";
import { startTestServer } from "./helpers/server.ts";

const testdata = new URL("../../shared/testdata/redisai/", import.meta.url);
const mnistBatched = Deno.readFileSync(new URL("mnist_batched.onnx", testdata));
const mnist = Deno.readFileSync(new URL("mnist.onnx", testdata));
const one = Deno.readFileSync(new URL("one.raw", testdata));

const ok = { status: "OK" };
const words = (line: string) => line.split(" ");

/** TENSORSET one.raw → MODELEXECUTE `model` → TENSORGET, persisting the logits as `out`. */
function digitDag(model: string, out: string, header = ""): (string | Uint8Array)[] {
  return [
    ...words(`AI.DAGEXECUTE PERSIST 1 ${out}${header} |> AI.TENSORSET img FLOAT 1 1 28 28 BLOB`),
    one,
    ...words(`|> AI.MODELEXECUTE ${model} INPUTS 1 img OUTPUTS 1 ${out}`),
    ...words(`|> AI.TENSORGET ${out} VALUES`),
  ];
}

/** The digit a DAG reply's TENSORGET (its last element) predicts. */
function predicted(reply: Wire): number {
  assert.ok(Array.isArray(reply), `not an array: ${JSON.stringify(reply)}`);
  const values = (reply[reply.length - 1] as string[]).map(Number);
  assert.equal(values.length, 10);
  return values.indexOf(Math.max(...values));
}

async function connect(port: number, n: number): Promise<RawClient[]> {
  return await Promise.all(Array.from({ length: n }, () => RawClient.connect(port)));
}

Deno.test("DAG model ops batch with each other and with plain AI.MODELEXECUTE", async () => {
  const server = await startTestServer();
  const [a, b] = await connect(server.port, 2) as [RawClient, RawClient];
  try {
    const store = ["AI.MODELSTORE", "mb", "ONNX", "CPU", "BATCHSIZE", "2", "MINBATCHSIZE", "2"];
    assert.deepEqual(await a.call(...store, "BLOB", mnistBatched), ok);
    // TIMEOUT only turns a lost batch into a failed assertion instead of a hang.
    const [first, second] = await Promise.all([
      a.call(...digitDag("mb", "x", " TIMEOUT 20000")),
      b.call(...digitDag("mb", "y", " TIMEOUT 20000")),
    ]);
    assert.deepEqual([predicted(first), predicted(second)], [1, 1]);
    await b.call("AI.TENSORSET", "img", "FLOAT", "1", "1", "28", "28", "BLOB", one);
    const [dag, plain] = await Promise.all([
      a.call(...digitDag("mb", "z", " TIMEOUT 20000")),
      b.call(...words("AI.MODELEXECUTE mb INPUTS 1 img OUTPUTS 1 w TIMEOUT 20000")),
    ]);
    assert.deepEqual([predicted(dag), plain], [1, ok]);
    const info = await a.call("AI.INFO", "mb") as Wire[];
    assert.deepEqual(info.slice(info.indexOf("calls"), info.indexOf("calls") + 4), [
      "calls",
      4,
      "errors",
      0,
    ]);
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("DAGs from 16 concurrent clients each get their own answer", async () => {
  const server = await startTestServer();
  const clients = await connect(server.port, 16);
  try {
    const store = words("AI.MODELSTORE mb ONNX CPU BATCHSIZE 8 MINBATCHSIZE 4 MINBATCHTIMEOUT 5");
    assert.deepEqual(await clients[0]?.call(...store, "BLOB", mnistBatched), ok);
    const rounds = 3;
    const replies = await Promise.all(clients.map(async (c, i) => {
      const digits: number[] = [];
      for (let r = 0; r < rounds; r++) {
        digits.push(predicted(await c.call(...digitDag("mb", `o${i}`))));
      }
      return digits;
    }));
    assert.deepEqual(replies, clients.map(() => Array(rounds).fill(1)));
    const c0 = clients[0] as RawClient;
    assert.deepEqual(await c0.call("EXISTS", ...clients.map((_, i) => `o${i}`)), 16);
    const info = await c0.call("AI.INFO", "mb") as Wire[];
    assert.equal(info[info.indexOf("calls") + 1], 16 * rounds);
    assert.equal(info[info.indexOf("samples") + 1], 16 * rounds);
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
});

Deno.test("TIMEOUT covers the whole DAG: +TIMEDOUT and nothing persisted", async () => {
  const server = await startTestServer();
  const [c] = await connect(server.port, 1) as [RawClient];
  try {
    // A lone request on this model waits for a second one that never comes.
    const store = ["AI.MODELSTORE", "stuck", "ONNX", "CPU", "BATCHSIZE", "2", "MINBATCHSIZE", "2"];
    await c.call(...store, "BLOB", mnistBatched);
    await c.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", mnist);
    assert.deepEqual(await c.call(...digitDag("stuck", "out", " TIMEOUT 50")), {
      status: "TIMEDOUT",
    });
    // The first op runs; the DAG times out on the second.
    const chained = [
      ...words("AI.DAGEXECUTE PERSIST 1 out TIMEOUT 50 |> AI.TENSORSET img FLOAT 1 1 28 28 BLOB"),
      one,
      ...words("|> AI.MODELEXECUTE m INPUTS 1 img OUTPUTS 1 out"),
      ...words("|> AI.MODELEXECUTE stuck INPUTS 1 img OUTPUTS 1 out"),
    ];
    assert.deepEqual(await c.call(...chained), { status: "TIMEDOUT" });
    assert.deepEqual(await c.call("EXISTS", "out"), 0);
    const calls = async (key: string) => {
      const info = await c.call("AI.INFO", key) as Wire[];
      return info[info.indexOf("calls") + 1];
    };
    assert.deepEqual([await calls("m"), await calls("stuck")], [1, 0]);
    assert.deepEqual(await c.call("PING"), { status: "PONG" });
  } finally {
    c.close();
    await server.close();
  }
});
