/** Save points: parsing Redis's `save` syntax and deciding when one is due. */
import assert from "node:assert/strict";
import { parseSavePoints, savePointDue } from "./save_points.ts";

Deno.test("parseSavePoints() reads Redis's pairs and refuses malformed text", () => {
  assert.deepEqual(parseSavePoints("3600 1 300 100"), [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
  ]);
  assert.deepEqual(parseSavePoints(""), []);
  assert.deepEqual(parseSavePoints("  60   10000 "), [{ seconds: 60, changes: 10000 }]);
  assert.equal(parseSavePoints("3600"), undefined);
  assert.equal(parseSavePoints("60 -1"), undefined);
  assert.equal(parseSavePoints("1h 5"), undefined);
});

Deno.test("savePointDue() needs both enough changes and enough time", () => {
  const points = [{ seconds: 3600, changes: 1 }, { seconds: 60, changes: 10000 }];
  assert.equal(savePointDue(points, 0, 10_000_000), false);
  assert.equal(savePointDue(points, 1, 3_600_000), false, "strictly more time than the point");
  assert.equal(savePointDue(points, 1, 3_600_001), true);
  assert.equal(savePointDue(points, 9_999, 61_000), false);
  assert.equal(savePointDue(points, 10_000, 61_000), true);
  assert.equal(savePointDue([], 1e9, 1e9), false);
});
