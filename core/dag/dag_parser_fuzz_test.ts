/**
 * Seeded fuzz of DAG parsing and resolution (`SEED=n` replays): mutated valid DAGs and random
 * token sequences must end in a checked plan (every slot read exists) or a CommandError,
 * never another exception.
 */
import assert from "node:assert/strict";
import { CommandError } from "../errors.ts";
import { parseOptions } from "../../tests/helpers/dag_fakes.ts";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";
import { DagForm, parseDag } from "./dag_parser.ts";
import { resolveDag } from "./dag_resolver.ts";

/** Valid DAGs the fuzz mutates, so that mutations land deep in the parser too. */
const TEMPLATES = [
  "AI.DAGEXECUTE LOAD 1 a PERSIST 1 t TIMEOUT 5 |> AI.TENSORSET t FLOAT 2 VALUES 1 2 |> AI.TENSORGET t META",
  "AI.DAGEXECUTE ROUTING a |> AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 1 t |> AI.TENSORGET t BLOB",
  "AI.DAGEXECUTE LOAD 2 a b |> AI.SCRIPTEXECUTE s@GPU INPUTS 2 a b OUTPUTS 1 c |> AI.TENSORGET c",
  "AI.DAGRUN |> AI.TENSORSET x INT8 1 2 BLOB ab |> AI.TENSORGET x VALUES",
];

const VOCABULARY = [
  "|>",
  "LOAD",
  "PERSIST",
  "ROUTING",
  "TIMEOUT",
  "AI.TENSORSET",
  "AI.TENSORGET",
  "AI.MODELEXECUTE",
  "AI.SCRIPTEXECUTE",
  "AI.MODELRUN",
  "AI.SCRIPTRUN",
  "FLOAT",
  "INT8",
  "STRING",
  "BLOB",
  "VALUES",
  "META",
  "INPUTS",
  "OUTPUTS",
  "0",
  "1",
  "2",
  "-1",
  "99999999999999999999",
  "a",
  "b",
  "t",
  "str",
  "",
  "\0",
];

/** A random DAG command: a mutated template or a random token sequence. */
function randomArgs(random: ReturnType<typeof seededRandom>): string[] {
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  if (random.next() < 0.5) {
    const args = pick(TEMPLATES).split(" ");
    for (let m = random.int(4); m > 0; m--) {
      const at = 1 + random.int(args.length);
      const choice = random.int(3);
      if (choice === 0) args.splice(at, 1);
      else args.splice(at, choice === 1 ? 1 : 0, pick(VOCABULARY));
    }
    return args;
  }
  const args = [pick(["AI.DAGEXECUTE", "AI.DAGRUN"])];
  for (let n = random.int(16); n > 0; n--) args.push(pick(VOCABULARY));
  return args;
}

Deno.test("parseDag() fuzz: random token sequences end in a checked plan or a CommandError", () => {
  const seed = testSeed();
  console.log(`DAG parser fuzz seed ${seed} (SEED=${seed} replays)`);
  const random = seededRandom(seed);
  const encoder = new TextEncoder();
  let plans = 0;
  for (let i = 0; i < 3000; i++) {
    const args = randomArgs(random);
    const form: DagForm = args[0] === "AI.DAGRUN" ? "run" : "execute";
    const options = parseOptions(form, random.next() < 0.3, { opsMax: 4 });
    try {
      const p = resolveDag(parseDag(args.map((w) => encoder.encode(w)), options));
      plans++;
      assert.ok(p.ops.length >= 1 && p.ops.length <= 4);
      for (const op of p.ops) {
        const reads = op.kind === "tensorget" ? [op.input] : op.kind === "compute" ? op.inputs : [];
        for (const slot of reads) assert.ok(slot < p.initial.length, `case ${i}`);
      }
      for (const { slot } of p.persist) assert.ok(slot < p.initial.length, `case ${i}`);
    } catch (e) {
      if (!(e instanceof CommandError)) {
        throw new Error(`seed ${seed} case ${i} (${args.join(" ")}): ${String(e)}`);
      }
      assert.ok(e.message.length > 0 && !/[\r\n]/.test(e.message), `case ${i}`);
    }
  }
  assert.ok(plans > 100, `only ${plans} of 3000 cases parsed`);
});
