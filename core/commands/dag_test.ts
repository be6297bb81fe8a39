/**
 * The DAG commands through the real dispatcher (no sockets): table flags, the limits as
 * CONFIG parameters, a read-only DAG leaving the keyspace alone, and a seeded fuzz of
 * the four commands with the real op parsers (`SEED=n` replays): every request gets a reply,
 * never an internal error.
 */
import assert from "node:assert/strict";
import { Harness, Plain } from "../../tests/helpers/command_harness.ts";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";

const words = (line: string) => line.split(" ");

Deno.test("dag commands: write/readonly and blocking flags as RedisAI registers them", async () => {
  const h = new Harness();
  const c = h.client();
  const flags = async (name: string) => {
    const info = await h.call(c, "COMMAND", "INFO", name) as Plain[][];
    const set = info[0]?.[2] as { set: { status: string }[] };
    return set.set.map((f) => f.status);
  };
  assert.deepEqual(await flags("ai.dagexecute"), [
    "write",
    "denyoom",
    "module",
    "blocking",
    "movablekeys",
  ]);
  assert.deepEqual(await flags("ai.dagrun_ro"), ["readonly", "module", "blocking", "movablekeys"]);
});

Deno.test("dag commands: dag-max-ops and dag-max-tensor-bytes apply as soon as set", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "CONFIG", "SET", "dag-max-ops", "2");
  const three =
    "AI.DAGEXECUTE ROUTING r |> AI.TENSORSET a INT8 1 |> AI.TENSORGET a |> AI.TENSORGET a";
  assert.deepEqual(await h.call(c, ...words(three)), {
    error: "ERR DAG op count exceeds dag-max-ops (2)",
  });
  await h.call(c, "CONFIG", "SET", "dag-max-ops", "3");
  assert.equal((await h.call(c, ...words(three)) as Plain[]).length, 3);
  await h.call(c, "CONFIG", "SET", "dag-max-tensor-bytes", "100");
  assert.deepEqual(
    await h.call(c, ...words("AI.DAGEXECUTE ROUTING r |> AI.TENSORSET a FLOAT 26")),
    { error: "ERR DAG intermediate tensors exceed dag-max-tensor-bytes (100 bytes)" },
  );
});

Deno.test("dag commands: a read-only DAG over LOADed tensors leaves the keyspace untouched", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, ...words("AI.TENSORSET a INT8 2 VALUES 1 2"));
  const changes = h.server.keyspace.changes;
  const reply = await h.call(c, ...words("AI.DAGEXECUTE_RO LOAD 1 a |> AI.TENSORGET a VALUES"));
  assert.deepEqual(reply, [[1, 2]]);
  assert.equal(h.server.keyspace.changes, changes);
});

const VOCABULARY = words(
  "|> |> |> LOAD PERSIST ROUTING TIMEOUT AI.TENSORSET AI.TENSORGET AI.MODELEXECUTE " +
    "AI.SCRIPTEXECUTE AI.MODELRUN AI.SCRIPTRUN FLOAT INT8 STRING BLOB VALUES META INPUTS " +
    "OUTPUTS KEYS ARGS $ 0 1 2 -1 a b m s str",
);
const COMMANDS = ["AI.DAGEXECUTE", "AI.DAGEXECUTE_RO", "AI.DAGRUN", "AI.DAGRUN_RO"];

Deno.test("dag commands fuzz: every random request gets a reply, never an internal error", async () => {
  const seed = testSeed();
  console.log(`DAG command fuzz seed ${seed} (SEED=${seed} replays)`);
  const random = seededRandom(seed);
  const h = new Harness();
  const c = h.client();
  await h.call(c, ...words("AI.TENSORSET a FLOAT 2 VALUES 1 2"));
  await h.call(c, "SET", "str", "x");
  for (let i = 0; i < 2000; i++) {
    const args = [COMMANDS[random.int(COMMANDS.length)] as string];
    for (let n = random.int(14); n > 0; n--) {
      args.push(VOCABULARY[random.int(VOCABULARY.length)] as string);
    }
    const reply = await h.call(c, ...args);
    const error = reply !== null && typeof reply === "object" && "error" in reply
      ? reply.error
      : "";
    assert.ok(!error.startsWith("ERR internal"), `seed ${seed} case ${i}: ${args.join(" ")}`);
    assert.ok(
      error !== "" || Array.isArray(reply),
      `seed ${seed} case ${i}: ${JSON.stringify(reply)}`,
    );
  }
});
