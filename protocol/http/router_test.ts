/** Tests for the route matcher and percent-decoding of captured keys. */
import assert from "node:assert/strict";
import { HttpError } from "./errors.ts";
import { matchRoute, percentDecode, Route, routeTable } from "./router.ts";

const handler = () => new Response();
const list: Route[] = [
  { method: "GET", path: "/tensors/:key", handler },
  { method: "PUT", path: "/tensors/:key", handler },
  { method: "POST", path: "/models/:key/execute", handler },
];
const routes = routeTable(list);

Deno.test("matchRoute() captures segments, answers 404 and 405 with the allowed methods", () => {
  const m = matchRoute(routes, "POST", "/models/m%2F1/execute");
  assert.equal(m.route, list[2]);
  assert.deepEqual(m.params.get("key"), new TextEncoder().encode("m/1"));
  assert.throws(
    () => matchRoute(routes, "GET", "/tensors/"),
    (e) => e instanceof HttpError && e.status === 404,
  );
  assert.throws(
    () => matchRoute(routes, "GET", "/nope"),
    (e) => e instanceof HttpError && e.status === 404,
  );
  assert.throws(
    () => matchRoute(routes, "DELETE", "/tensors/a"),
    (e) =>
      e instanceof HttpError && e.status === 405 &&
      new Headers(e.headers).get("allow") === "GET, HEAD, PUT",
  );
});

Deno.test("matchRoute() answers HEAD with the GET route, as every GET route must allow", () => {
  assert.equal(matchRoute(routes, "HEAD", "/tensors/a").route, list[0]);
  assert.throws(
    () => matchRoute(routes, "HEAD", "/models/m/execute"),
    (e) =>
      e instanceof HttpError && e.status === 405 && new Headers(e.headers).get("allow") === "POST",
  );
});

Deno.test("percentDecode() yields raw bytes, keeping malformed escapes literally", () => {
  assert.deepEqual(Array.from(percentDecode("a%00%ff%2F")), [0x61, 0, 0xff, 0x2f]);
  assert.deepEqual(Array.from(percentDecode("%zz%4")), [0x25, 0x7a, 0x7a, 0x25, 0x34]);
  assert.deepEqual(Array.from(percentDecode("é")), [0xc3, 0xa9]);
});
