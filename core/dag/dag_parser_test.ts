/**
 * Unit tests of DAG parsing and resolution: every parse error RedisAI's DAG parser has, in
 * its order of checks, versioning of tensor names and the limits. The fuzz is in
 * dag_parser_fuzz_test.ts.
 */
import assert from "node:assert/strict";
import { CommandError } from "../errors.ts";
import { parseOptions, words } from "../../tests/helpers/dag_fakes.ts";
import { DagForm, DagParseOptions, parseDag } from "./dag_parser.ts";
import type { DagPlan } from "./dag_plan.ts";
import { resolveDag } from "./dag_resolver.ts";

function plan(line: string, options: DagParseOptions = parseOptions()): DagPlan {
  return resolveDag(parseDag(words(line), options));
}

function errorOf(line: string, options: DagParseOptions = parseOptions()): string {
  try {
    plan(line, options);
  } catch (e) {
    if (e instanceof CommandError) return e.message;
    throw e;
  }
  throw new Error(`parsed without error: ${line}`);
}

const ro = (form: DagForm = "execute") => parseOptions(form, true);

Deno.test("parseDag() refuses too few arguments with each command's text", () => {
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a |>"),
    "ERR missing arguments for 'AI.DAGEXECUTE' command",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE_RO LOAD 1 a |>", ro()),
    "ERR missing arguments for 'AI.DAGEXECUTE_RO' command",
  );
  assert.equal(
    errorOf("AI.DAGRUN |> AI.TENSORGET", parseOptions("run")),
    "ERR wrong number of arguments for 'AI.DAGRUN' command",
  );
  assert.equal(
    errorOf("AI.DAGRUN_RO |>", ro("run")),
    "ERR wrong number of arguments for 'AI.DAGRUN_RO' command",
  );
});

Deno.test("parseDag() reports LOAD errors, reading keys as it meets them", () => {
  assert.equal(
    errorOf("AI.DAGEXECUTE ROUTING r TIMEOUT 5 LOAD 1"),
    "ERR missing arguments after LOAD keyword in DAG command",
  );
  for (const count of ["x", "0", "-1", "1.5"]) {
    assert.equal(
      errorOf(`AI.DAGEXECUTE LOAD ${count} a |> AI.TENSORGET a`),
      "ERR invalid or negative value found in number of keys to LOAD",
    );
  }
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 missing |> AI.TENSORGET a"),
    "ERR tensor key is empty or in a different shard",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 str |> AI.TENSORGET a"),
    "WRONGTYPE Operation against a key holding the wrong kind of value",
  );
  // RedisAI's LOAD does not stop at `|>`: it tries to read a key named `|>`.
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 2 a |> AI.TENSORGET a"),
    "ERR tensor key is empty or in a different shard",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE ROUTING r LOAD 3 a b"),
    "ERR number of keys to LOAD into DAG does not match the number of given arguments",
  );
});

Deno.test("parseDag() reports PERSIST errors and refuses PERSIST in _RO", () => {
  assert.equal(
    errorOf("AI.DAGEXECUTE ROUTING r TIMEOUT 5 PERSIST 1"),
    "ERR missing arguments after PERSIST keyword in DAG command",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE PERSIST zero a |> AI.TENSORSET a FLOAT 1"),
    "ERR invalid or negative value found in number of keys to PERSIST",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE PERSIST 2 a a |> AI.TENSORSET a FLOAT 1"),
    "ERR PERSIST keys must be unique",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE ROUTING r PERSIST 3 a b"),
    "ERR number of keys to PERSIST after DAG execution does not match the number of given arguments",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE_RO PERSIST 1 a |> AI.TENSORSET a FLOAT 1", ro()),
    "ERR PERSIST cannot be specified in a read-only DAG",
  );
  assert.equal(
    errorOf("AI.DAGRUN_RO PERSIST 1 a |> AI.TENSORSET a FLOAT 1", ro("run")),
    "ERR PERSIST cannot be specified in a read-only DAG",
  );
});

Deno.test("parseDag() reports ROUTING and TIMEOUT errors", () => {
  assert.equal(errorOf("AI.DAGEXECUTE LOAD 1 a TIMEOUT 5 ROUTING"), "ERR Missing ROUTING value");
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a ROUTING r TIMEOUT"),
    "ERR No value provided for TIMEOUT",
  );
  for (const value of ["x", "0", "-5", "1.5"]) {
    assert.equal(
      errorOf(`AI.DAGEXECUTE LOAD 1 a TIMEOUT ${value} |> AI.TENSORGET a`),
      "ERR Invalid value for TIMEOUT",
    );
  }
});

Deno.test("parseDag() refuses unexpected and repeated header tokens (two spaces)", () => {
  const unexpected = "ERR Invalid DAG command. Unexpected argument:  ";
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a BAD_ARG |> AI.TENSORGET a"),
    `${unexpected}BAD_ARG`,
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a LOAD 1 b |> AI.TENSORGET a"),
    `${unexpected}LOAD`,
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a TIMEOUT 5 TIMEOUT 6 |> AI.TENSORGET a"),
    `${unexpected}TIMEOUT`,
  );
  // A trailing `|>` opens no op.
  assert.equal(errorOf("AI.DAGEXECUTE LOAD 1 a |> AI.TENSORGET a |>"), `${unexpected}|>`);
});

Deno.test("parseDag() needs LOAD, PERSIST or ROUTING in DAGEXECUTE only, and an op", () => {
  assert.equal(
    errorOf("AI.DAGEXECUTE TIMEOUT 5 |> AI.TENSORSET a FLOAT 1"),
    "ERR AI.DAGEXECUTE and AI.DAGEXECUTE_RO commands must contain at least one out of ROUTING, LOAD, PERSIST keywords",
  );
  assert.equal(errorOf("AI.DAGEXECUTE LOAD 1 a TIMEOUT 5"), "ERR DAG is empty");
  const runPlan = plan(
    "AI.DAGRUN |> AI.TENSORSET a FLOAT 1 |> AI.TENSORGET a",
    parseOptions("run"),
  );
  assert.equal(runPlan.ops.length, 2);
  assert.equal(plan("AI.DAGEXECUTE ROUTING r |> AI.TENSORSET a FLOAT 1").ops.length, 1);
});

Deno.test("parseDag() parses ops with the stand-alone parsers and RedisAI's op errors", () => {
  const head = "AI.DAGEXECUTE LOAD 1 a";
  assert.equal(errorOf(`${head} |> AI.FOO a`), "Unsupported command within DAG");
  assert.equal(errorOf(`${head} |> |> AI.TENSORGET a`), "Unsupported command within DAG");
  assert.equal(
    errorOf(`${head} |> AI.MODELRUN m INPUTS a OUTPUTS b`),
    "Deprecated AI.MODELRUN cannot be used in AI.DAGEXECUTE command",
  );
  assert.equal(
    errorOf(`${head} |> ai.scriptrun s f INPUTS a OUTPUTS b`),
    "Deprecated AI.SCRIPTRUN cannot be used in AI.DAGEXECUTE command",
  );
  assert.equal(
    errorOf("AI.DAGRUN LOAD 1 a |> AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 1 b", parseOptions("run")),
    "AI.MODELEXECUTE cannot be used in a deprecated AI.DAGRUN command",
  );
  assert.equal(
    errorOf("AI.DAGRUN |> AI.SCRIPTEXECUTE s f INPUTS 1 a", parseOptions("run")),
    "AI.SCRIPTEXECUTE cannot be used in a deprecated AI.DAGRUN command",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE_RO LOAD 1 a |> AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1 b", ro()),
    "ERR AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG",
  );
  assert.equal(
    errorOf(`${head} |> AI.TENSORGET |> AI.TENSORGET a`),
    "wrong number of arguments for 'AI.TENSORGET' command",
  );
  assert.equal(errorOf(`${head} |> AI.TENSORGET a BAD`), "ERR unsupported data format");
  assert.equal(
    errorOf(`${head} |> AI.TENSORSET a FLOAT |> AI.TENSORGET a`),
    "wrong number of arguments for 'AI.TENSORSET' command",
  );
  assert.equal(errorOf(`${head} |> AI.TENSORSET a FLOAT16 1`), "ERR invalid data type");
  assert.equal(errorOf(`${head} |> AI.MODELEXECUTE m OUTPUTS 1 a`), "ERR INPUTS not specified");
});

Deno.test("parseDag() checks every op before resolving any name", () => {
  // The unknown input of op 1 is found only after op 2 has parsed.
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a |> AI.TENSORGET nope |> AI.FOO"),
    "Unsupported command within DAG",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE LOAD 1 a |> AI.TENSORGET nope"),
    "ERR INPUT key cannot be found in DAG",
  );
  assert.equal(
    errorOf("AI.DAGEXECUTE PERSIST 1 out |> AI.TENSORSET x FLOAT 1"),
    "ERR PERSIST key cannot be found in DAG",
  );
  // An input produced only by a later op is not visible yet.
  assert.equal(
    errorOf("AI.DAGEXECUTE ROUTING r |> AI.TENSORGET t |> AI.TENSORSET t FLOAT 1"),
    "ERR INPUT key cannot be found in DAG",
  );
});

Deno.test("resolveDag() makes each output a new version of its name", () => {
  const p = plan(
    "AI.DAGEXECUTE LOAD 1 a PERSIST 1 t |> AI.TENSORSET t FLOAT 1 VALUES 1 |> AI.TENSORGET t" +
      " |> AI.TENSORSET t FLOAT 1 VALUES 2 |> AI.TENSORGET t VALUES" +
      " |> AI.MODELEXECUTE m INPUTS 2 t a OUTPUTS 1 t |> AI.TENSORGET t",
  );
  assert.equal(p.initial.length, 4); // a, t v1, t v2, t v3 (model output)
  assert.deepEqual(p.ops.map((op) => op.kind === "tensorget" ? op.input : op.kind), [
    "tensorset",
    1,
    "tensorset",
    2,
    "compute",
    3,
  ]);
  const model = p.ops[4];
  assert.ok(model?.kind === "compute");
  assert.deepEqual([model.inputs, model.outputs], [[2, 0], [3]]);
  assert.deepEqual(p.persist, [{ key: "t", slot: 3 }]);
  assert.equal(p.initial[3], undefined);
  assert.equal(p.tensorBytes, 8);
});

Deno.test("resolveDag() keeps the first slot of a key LOADed twice", () => {
  const p = plan("AI.DAGEXECUTE LOAD 2 a a |> AI.TENSORGET a");
  assert.equal(p.initial.length, 1);
  const get = p.ops[0];
  assert.ok(get?.kind === "tensorget");
  assert.equal(get.input, 0);
});

Deno.test("parseDag() enforces dag-max-ops and dag-max-tensor-bytes", () => {
  const ops = (n: number) => " |> AI.TENSORGET a".repeat(n);
  const limited = parseOptions("execute", false, { opsMax: 3 });
  assert.equal(plan(`AI.DAGEXECUTE LOAD 1 a${ops(3)}`, limited).ops.length, 3);
  assert.equal(
    errorOf(`AI.DAGEXECUTE LOAD 1 a${ops(4)}`, limited),
    "ERR DAG op count exceeds dag-max-ops (3)",
  );
  const small = parseOptions("execute", false, { tensorBytesMax: 16 });
  assert.equal(plan("AI.DAGEXECUTE ROUTING r |> AI.TENSORSET t FLOAT 4", small).tensorBytes, 16);
  assert.equal(
    errorOf("AI.DAGEXECUTE ROUTING r |> AI.TENSORSET t FLOAT 4 |> AI.TENSORSET u INT8 1", small),
    "ERR DAG intermediate tensors exceed dag-max-tensor-bytes (16 bytes)",
  );
});
