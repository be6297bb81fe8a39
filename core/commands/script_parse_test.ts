/**
 * The deprecated AI.SCRIPTRUN's argument scan through the real dispatcher (no sockets), in
 * RedisAI's `_ScriptRunCommand_ParseArgs` order: TIMEOUT is its keyword wherever it appears,
 * OUTPUTS closes the INPUTS section for good, and the DAG's TIMEOUT refusal comes after the scan.
 */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

const words = (line: string) => line.split(" ");

async function withScript(): Promise<(line: string) => Promise<unknown>> {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "AI.SCRIPTSET", "s", "CPU", "SOURCE", "def bar(a, b):\n    return a + b\n");
  return (line) => h.call(c, ...words(line));
}

Deno.test("parseScriptRun() reads TIMEOUT inside the INPUTS and OUTPUTS sections as the keyword", async () => {
  const call = await withScript();
  assert.deepEqual(await call("AI.SCRIPTRUN s bar INPUTS a TIMEOUT 0 OUTPUTS c"), {
    error: "ERR Invalid value for TIMEOUT",
  });
  assert.deepEqual(await call("AI.SCRIPTRUN s bar INPUTS a OUTPUTS c TIMEOUT 5 TIMEOUT 5"), {
    error: "ERR Already encountered an TIMEOUT section in SCRIPTRUN",
  });
});

Deno.test("parseScriptRun() refuses INPUTS after OUTPUTS as a second INPUTS section", async () => {
  const call = await withScript();
  assert.deepEqual(await call("AI.SCRIPTRUN s bar OUTPUTS c INPUTS a a"), {
    error: "ERR Already encountered an INPUTS section in SCRIPTRUN",
  });
});

Deno.test("parseScriptRun() in a DAG refuses TIMEOUT only once the op parsed", async () => {
  const call = await withScript();
  await call("AI.TENSORSET a FLOAT 1 VALUES 1");
  assert.deepEqual(
    await call("AI.DAGRUN LOAD 1 a |> AI.SCRIPTRUN s bar INPUTS a a OUTPUTS c TIMEOUT 4"),
    { error: "ERR TIMEOUT not allowed within a DAG command" },
  );
  assert.deepEqual(await call("AI.DAGRUN LOAD 1 a |> AI.SCRIPTRUN s bar TIMEOUT 4 x"), {
    error: "ERR Unrecongnized parameter to SCRIPTRUN",
  });
});

Deno.test("parseScriptExecute() checks a KEYS block after INPUTS as it checks a leading one", async () => {
  const h = new Harness();
  const c = h.client();
  const source = "def f(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return 1\n";
  await h.call(c, "AI.SCRIPTSTORE", "s", "CPU", "ENTRY_POINTS", "1", "f", "SOURCE", source);
  const call = (line: string) => h.call(c, ...words(line));
  assert.deepEqual(await call("AI.SCRIPTEXECUTE s f INPUTS 1 a KEYS 0"), {
    error: "ERR Missing arguments after KEYS keyword",
  });
  assert.deepEqual(await call("AI.SCRIPTEXECUTE s f INPUTS 1 a KEYS 0 k"), {
    error: "ERR Invalid or negative value found in number of KEYS",
  });
  assert.deepEqual(await call("AI.SCRIPTEXECUTE s f INPUTS 1 a KEYS x k"), {
    error: "ERR Invalid or negative value found in number of KEYS",
  });
  assert.deepEqual(await call("AI.SCRIPTEXECUTE s f INPUTS 1 a KEYS 2 k"), {
    error:
      "ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments",
  });
  assert.deepEqual(await call("AI.SCRIPTEXECUTE s f KEYS 1 k INPUTS 1 a KEYS 0"), {
    error: "ERR Already Encountered KEYS scope in AI.SCRIPTEXECUTE command",
  });
});
