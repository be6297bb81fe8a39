/**
 * Scripts stored on a `GPU` device through the real server: the same script stored on `CPU`
 * and on `GPU` gives the same outputs (dtypes, shapes, values within float tolerance), the GPU
 * one computing its tensor ops on our WebGPU kernels; a script using an op without a GPU
 * kernel still runs (that op on the CPU); INFO's `gpu` section counts both. Skipped only where
 * WebGPU has no adapter, never in CI.
 */
import assert from "node:assert/strict";
import { RawClient, Wire } from "../helpers/raw_client.ts";
import { startTestServer } from "../helpers/server.ts";
import { gpuTest } from "../helpers/webgpu.ts";

const EP = "(tensors: List[Tensor], keys: List[str], args: List[str])";

const SCRIPT = `def dense${EP}:
    x = tensors[0]
    w = tensors[1]
    h = torch.relu(torch.matmul(x, w) + 0.5)
    p = torch.softmax(h, dim=1)
    s = p.sum(dim=1, keepdim=True)
    m = (x > 0).float() * x
    return p, s, m.mean(dim=0), h.argmax(dim=1), (h - 1.0 != 0.0).int() + 2

def sorted_sigmoid${EP}:
    y = torch.sigmoid(tensors[0]) * 2.0
    values, order = torch.sort(y, dim=1)
    return values.t() + 1.0, order
`;

function infoFields(text: unknown): Map<string, string> {
  return new Map(
    String(text).split("\r\n").filter((l) => l.includes(":")).map((l) => {
      const at = l.indexOf(":");
      return [l.slice(0, at), l.slice(at + 1)];
    }),
  );
}

const seeded = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(seed * 7.3 + i * 1.7) * 2);

/** `[dtype, shape, values]` of a tensor key. */
async function tensorOf(c: RawClient, key: string): Promise<[string, number[], number[]]> {
  const reply = await c.call("AI.TENSORGET", key, "META", "VALUES") as Wire[];
  return [String(reply[1]), (reply[3] as Wire[]).map(Number), (reply[5] as Wire[]).map(Number)];
}

async function execute(c: RawClient, key: string, fn: string, inputs: string[], outs: string[]) {
  return await c.call(
    "AI.SCRIPTEXECUTE",
    key,
    fn,
    "INPUTS",
    inputs.length,
    ...inputs,
    "OUTPUTS",
    outs.length,
    ...outs.map((o) => `${key}:${o}`),
  );
}

Deno.test({
  name: "Scripts on GPU: the same outputs as on CPU, tensor ops on our kernels, CPU fallback",
  ...gpuTest,
  fn: async () => {
    const server = await startTestServer();
    const c = await RawClient.connect(server.port);
    try {
      await c.call("AI.TENSORSET", "x", "FLOAT", 4, 6, "VALUES", ...seeded(24, 1));
      await c.call("AI.TENSORSET", "w", "FLOAT", 6, 5, "VALUES", ...seeded(30, 2));
      for (const device of ["CPU", "GPU"]) {
        const stored = await c.call(
          "AI.SCRIPTSTORE",
          device,
          device,
          "ENTRY_POINTS",
          2,
          "dense",
          "sorted_sigmoid",
          "SOURCE",
          SCRIPT,
        );
        assert.deepEqual(stored, { status: "OK" });
        const outs = ["p", "s", "m", "i", "b"];
        assert.deepEqual(await execute(c, device, "dense", ["x", "w"], outs), { status: "OK" });
        assert.deepEqual(
          await execute(c, device, "sorted_sigmoid", ["x"], ["v", "o"]),
          { status: "OK" },
        );
      }
      for (const out of ["p", "s", "m", "i", "b", "v", "o"]) {
        const [cpuType, cpuShape, cpuValues] = await tensorOf(c, `CPU:${out}`);
        const [gpuType, gpuShape, gpuValues] = await tensorOf(c, `GPU:${out}`);
        assert.equal(gpuType, cpuType, `${out}: dtype`);
        assert.deepEqual(gpuShape, cpuShape, `${out}: shape`);
        gpuValues.forEach((v, i) => {
          const want = cpuValues[i] as number;
          assert(
            Math.abs(v - want) <= 1e-5 + 1e-5 * Math.abs(want),
            `${out}[${i}]: ${v} ≠ ${want}`,
          );
        });
      }
      const [, , sums] = await tensorOf(c, "GPU:s");
      sums.forEach((s) => assert(Math.abs(s - 1) < 1e-5, `softmax rows sum to ${s}`));

      // Each GPU worker posts its counts after a call's reply: they may trail it briefly.
      let info = infoFields(await c.call("INFO", "gpu"));
      for (let i = 0; i < 200 && info.get("gpu_script_runs") !== "2"; i++) {
        await new Promise((r) => setTimeout(r, 10));
        info = infoFields(await c.call("INFO", "gpu"));
      }
      assert.equal(info.get("gpu_script_runs"), "2");
      // dense: matmul, add, relu, softmax, sum, gt, cast, mul, mean, argmax, sub, ne, cast, add;
      // sorted_sigmoid: sigmoid, mul, t, add on the GPU and sort on the CPU.
      assert.equal(info.get("gpu_script_kernel_ops"), "18");
      assert.equal(info.get("gpu_script_cpu_fallback_ops"), "1");
      assert.ok(Number(info.get("gpu_memory_bytes")) > 0);
      const aiInfo = await c.call("AI.INFO", "GPU") as Wire[];
      assert.equal(aiInfo[7], "GPU");
      assert.equal(aiInfo[15], 2);
      assert.equal(aiInfo[17], 0);
    } finally {
      c.close();
      await server.close();
    }
  },
});
