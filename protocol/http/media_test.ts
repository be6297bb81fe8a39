/** Tests for tensor content negotiation. */
import assert from "node:assert/strict";
import { HttpError } from "./errors.ts";
import { acceptedForm, parseShapeHeader, requestForm, requestTensor } from "./media.ts";

const req = (headers: Record<string, string>) => new Request("http://x/", { headers });
const status = (status: number) => (e: unknown) => e instanceof HttpError && e.status === status;

Deno.test("acceptedForm() honours q-values, takes */* as JSON, else answers 406", () => {
  assert.equal(acceptedForm(req({})), "json");
  assert.equal(acceptedForm(req({ accept: "*/*" })), "json");
  assert.equal(acceptedForm(req({ accept: "application/octet-stream" })), "raw");
  assert.equal(acceptedForm(req({ accept: "application/json;q=0.5, application/x-npy" })), "npy");
  assert.throws(
    () => acceptedForm(req({ accept: "text/html, application/x-npy;q=0" })),
    status(406),
  );
});

Deno.test("acceptedForm() lets a named type's q override a wildcard's (q=0 refuses it)", () => {
  assert.equal(acceptedForm(req({ accept: "application/json;q=0, */*" })), "raw");
  assert.equal(acceptedForm(req({ accept: "*/*;q=0.1, application/x-npy;q=0.5" })), "npy");
  assert.equal(acceptedForm(req({ accept: "application/octet-stream, application/json" })), "raw");
  assert.throws(
    () =>
      acceptedForm(
        req({
          accept:
            "application/*, application/json;q=0, application/octet-stream;q=0, application/x-npy;q=0",
        }),
      ),
    status(406),
  );
});

Deno.test("requestForm() trusts Content-Type, sniffs client defaults, refuses others", () => {
  const npy = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  const none = new Uint8Array();
  assert.equal(
    requestForm(req({ "content-type": "application/json; charset=utf-8" }), none),
    "json",
  );
  assert.equal(requestForm(req({ "content-type": "application/x-npy" }), none), "npy");
  assert.equal(requestForm(req({}), npy), "npy");
  assert.equal(requestForm(req({ "content-type": "text/plain" }), none), "json");
  assert.equal(requestForm(req({ "x-tensor-dtype": "FLOAT" }), none), "raw");
  assert.throws(() => requestForm(req({ "content-type": "image/png" }), none), status(415));
});

Deno.test("parseShapeHeader() reads 2,3 / [2, 3] / 2x3, and [] as a scalar", () => {
  assert.deepEqual(parseShapeHeader("2,3"), [2, 3]);
  assert.deepEqual(parseShapeHeader("[2, 3]"), [2, 3]);
  assert.deepEqual(parseShapeHeader("2x3"), [2, 3]);
  assert.deepEqual(parseShapeHeader("[]"), []);
  assert.throws(() => parseShapeHeader("2,0"), /invalid or negative value/);
  assert.throws(() => parseShapeHeader("a"), /invalid or negative value/);
});

Deno.test("requestTensor() infers a 1-D shape for raw bytes without X-Tensor-Shape", () => {
  const t = requestTensor(
    req({ "content-type": "application/octet-stream", "x-tensor-dtype": "INT32" }),
    new Uint8Array(12),
  );
  assert.deepEqual(t.shape, [3]);
  assert.throws(
    () => requestTensor(req({ "content-type": "application/octet-stream" }), new Uint8Array(4)),
    /invalid data type/,
  );
});
