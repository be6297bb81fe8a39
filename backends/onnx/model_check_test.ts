import assert from "node:assert/strict";
import { checkOnnxModel, EXTERNAL_DATA_ERROR } from "./model_check.ts";
import { concatBytes } from "../../core/bytes.ts";

const testdata = new URL("../../../shared/testdata/redisai/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, testdata));

/** A length-delimited protobuf field. */
function field(number: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(parts);
  return concatBytes([varint(number * 8 + 2), varint(body.length), body]);
}

function varintField(number: number, value: number): Uint8Array {
  return concatBytes([varint(number * 8), varint(value)]);
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  do {
    out.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
    value >>>= 7;
  } while (value > 0);
  return new Uint8Array(out);
}

const text = (s: string) => new TextEncoder().encode(s);
/** model.graph(7) > node(1) > attribute(5) > ... */
const inAttribute = (attribute: Uint8Array) => field(7, field(1, field(5, attribute)));

Deno.test("checkOnnxModel() refuses RedisAI's external-initializer model", () => {
  assert.throws(() => checkOnnxModel(read("model_with_external_initializers.onnx")), {
    message: EXTERNAL_DATA_ERROR,
  });
});

Deno.test("checkOnnxModel() accepts ordinary models and leaves non-ONNX bytes to the runtime", () => {
  checkOnnxModel(read("mnist.onnx"));
  checkOnnxModel(read("model_with_infinite_loop.onnx"));
  checkOnnxModel(read("graph.pb"));
  checkOnnxModel(new Uint8Array([0xff, 0xff, 0xff]));
});

Deno.test("checkOnnxModel() finds external data in a Loop body's initializer", () => {
  const tensor = concatBytes([field(8, text("w")), varintField(14, 1)]);
  const body = field(5, tensor);
  assert.throws(() => checkOnnxModel(inAttribute(field(6, body))), {
    message: EXTERNAL_DATA_ERROR,
  });
});

Deno.test("checkOnnxModel() finds external data in a Constant's tensor attribute", () => {
  const entry = concatBytes([field(1, text("location")), field(2, text("/etc/passwd"))]);
  const tensor = concatBytes([field(8, text("c")), field(13, entry)]);
  assert.throws(() => checkOnnxModel(inAttribute(field(5, tensor))), {
    message: EXTERNAL_DATA_ERROR,
  });
});

Deno.test("checkOnnxModel() accepts a tensor stored inline (data_location DEFAULT)", () => {
  const tensor = concatBytes([
    field(8, text("c")),
    varintField(14, 0),
    field(9, new Uint8Array(4)),
  ]);
  checkOnnxModel(inAttribute(field(5, tensor)));
});
