/** Tests for ai_keys.ts: RedisAI's key reporters for its getkeys-api commands. */
import assert from "node:assert/strict";
import { utf8 } from "../keys.ts";
import {
  dagKeys,
  modelExecuteKeys,
  modelRunKeys,
  scriptExecuteKeys,
  scriptRunKeys,
} from "./ai_keys.ts";

const argv = (line: string) => line.split(" ").map(utf8);

Deno.test("modelExecuteKeys() reports the model, every input and every output", () => {
  assert.deepEqual(
    modelExecuteKeys(argv("AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 c TIMEOUT 5")),
    [1, 4, 5, 8],
  );
  assert.deepEqual(modelExecuteKeys(argv("ai.modelexecute m inputs 1 a outputs 2 c d")), [
    1,
    4,
    7,
    8,
  ]);
});

Deno.test("modelExecuteKeys() keeps only the model key when a count is unreadable or short", () => {
  assert.deepEqual(modelExecuteKeys(argv("AI.MODELEXECUTE m INPUTS")), []);
  assert.deepEqual(modelExecuteKeys(argv("AI.MODELEXECUTE m INPUTS x a")), [1]);
  assert.deepEqual(modelExecuteKeys(argv("AI.MODELEXECUTE m INPUTS 1 a OUTPUTS")), [1]);
  assert.deepEqual(modelExecuteKeys(argv("AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 2 c")), [1]);
  assert.deepEqual(modelExecuteKeys(argv("AI.MODELEXECUTE m INPUTS -1 a OUTPUTS 1 c")), [1]);
});

Deno.test("modelRunKeys() and scriptRunKeys() report everything after INPUTS but OUTPUTS", () => {
  assert.deepEqual(modelRunKeys(argv("AI.MODELRUN m INPUTS a b OUTPUTS c")), [1, 3, 4, 6]);
  assert.deepEqual(modelRunKeys(argv("AI.MODELRUN m TIMEOUT 5 INPUTS a OUTPUTS c")), [1, 5, 7]);
  assert.deepEqual(modelRunKeys(argv("AI.MODELRUN m")), [1]);
  assert.deepEqual(scriptRunKeys(argv("AI.SCRIPTRUN s f INPUTS a OUTPUTS b c")), [1, 4, 6, 7]);
  assert.deepEqual(scriptRunKeys(argv("AI.SCRIPTRUN s f timeout 9 INPUTS a OUTPUTS b")), [
    1,
    6,
    8,
  ]);
  assert.deepEqual(scriptRunKeys(argv("AI.SCRIPTRUN s f")), [1]);
});

Deno.test("scriptExecuteKeys() reports KEYS, INPUTS and OUTPUTS items up to TIMEOUT", () => {
  assert.deepEqual(
    scriptExecuteKeys(argv("AI.SCRIPTEXECUTE s f KEYS 2 k1 k2 INPUTS 1 a OUTPUTS 1 b")),
    [1, 5, 6, 9, 12],
  );
  assert.deepEqual(
    scriptExecuteKeys(argv("AI.SCRIPTEXECUTE s f inputs 1 a outputs 1 b timeout 5 KEYS 1 z")),
    [1, 5, 8],
  );
  assert.deepEqual(scriptExecuteKeys(argv("AI.SCRIPTEXECUTE s f")), [1]);
});

Deno.test("scriptExecuteKeys() stops at ARGS or a bad count, keeping the keys before it", () => {
  assert.deepEqual(
    scriptExecuteKeys(argv("AI.SCRIPTEXECUTE s f INPUTS 1 a ARGS 1 x OUTPUTS 1 b")),
    [1, 5],
  );
  assert.deepEqual(scriptExecuteKeys(argv("AI.SCRIPTEXECUTE s f KEYS 1 k INPUTS 3 a")), [1, 5]);
  assert.deepEqual(scriptExecuteKeys(argv("AI.SCRIPTEXECUTE s f KEYS x k")), [1]);
});

Deno.test("dagKeys() reports LOAD, PERSIST, ROUTING and each model or script key", () => {
  assert.deepEqual(
    dagKeys(argv(
      "AI.DAGEXECUTE ROUTING r LOAD 2 a b PERSIST 1 c |> AI.TENSORSET t FLOAT 1 VALUES 1 " +
        "|> AI.MODELEXECUTE m INPUTS 1 t OUTPUTS 1 c |> AI.SCRIPTEXECUTE s f INPUTS 1 c OUTPUTS 1 d",
    )),
    [2, 5, 6, 9, 19, 28],
  );
  assert.deepEqual(dagKeys(argv("AI.DAGEXECUTE ROUTING k |> AI.TENSORGET x")), [2]);
  assert.deepEqual(dagKeys(argv("AI.DAGRUN |> AI.MODELRUN m INPUTS a OUTPUTS b")), []);
  assert.deepEqual(dagKeys(argv("AI.DAGEXECUTE LOAD 1 a LOAD x |> AI.MODELEXECUTE m")), [3]);
});
