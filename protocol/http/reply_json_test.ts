/** Tests for the JSON form of replies and of request arguments. */
import assert from "node:assert/strict";
import { CommandError } from "../../core/errors.ts";
import {
  BoolReply,
  DoubleReply,
  MapReply,
  SetReply,
  Status,
  VerbatimReply,
} from "../../core/reply.ts";
import { jsonToArg, replyToJson } from "./reply_json.ts";

Deno.test("replyToJson() maps every reply kind", () => {
  const json = (r: Parameters<typeof replyToJson>[0]) => JSON.stringify(replyToJson(r));
  assert.equal(json(null), "null");
  assert.equal(json(5), "5");
  assert.equal(json(9223372036854775807n), "9223372036854775807");
  assert.equal(json(new TextEncoder().encode("é")), '"é"');
  assert.equal(json(new Uint8Array([0xff])), '{"base64":"/w=="}');
  assert.equal(json(new Status("OK")), '"OK"');
  assert.equal(json(new CommandError("ERR x")), '{"error":"ERR x"}');
  assert.equal(json(new MapReply([["a", 1], ["b", [2]]])), '{"a":1,"b":[2]}');
  assert.equal(json(new MapReply([[1, "x"]])), '[[1,"x"]]');
  assert.equal(json(new SetReply(["a"])), '["a"]');
  assert.equal(json(new DoubleReply(1.5)), "1.5");
  assert.equal(
    json([new DoubleReply(Infinity), new DoubleReply(-Infinity), new DoubleReply(NaN)]),
    '["inf","-inf","nan"]',
  );
  assert.equal(json(new BoolReply(true)), "true");
  assert.equal(json(new VerbatimReply("txt")), '"txt"');
});

Deno.test("jsonToArg() takes strings, numbers and base64; refuses the rest", () => {
  assert.deepEqual(jsonToArg("a"), new Uint8Array([97]));
  assert.deepEqual(jsonToArg(12), new TextEncoder().encode("12"));
  assert.deepEqual(jsonToArg({ base64: "AP8=" }), new Uint8Array([0, 255]));
  for (const bad of [null, true, [1], {}, { base64: "!!" }, Infinity]) {
    assert.throws(() => jsonToArg(bad), CommandError);
  }
});
