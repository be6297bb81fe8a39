/** Tests for connection.ts: AUTH and HELLO through the dispatcher. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

const NO_PASSWORD =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

Deno.test("auth() without requirepass accepts any password for the default user only", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "AUTH", "secret"), { error: NO_PASSWORD });
  assert.deepEqual(await h.call(c, "AUTH", "default", "anything"), { status: "OK" });
  assert.deepEqual(await h.call(c, "AUTH", "bob", "anything"), { error: WRONGPASS });
  const hello = await h.call(c, "HELLO", "3", "AUTH", "default", "anything");
  assert.equal(typeof hello === "object" && hello !== null && "map" in hello, true);
  assert.deepEqual(await h.call(c, "HELLO", "2", "AUTH", "bob", "x"), { error: WRONGPASS });
});

Deno.test("auth() with requirepass checks user and password", async () => {
  const h = new Harness({ requirepass: "sec" });
  const c = h.client();
  assert.deepEqual(await h.call(c, "AUTH", "bad"), { error: WRONGPASS });
  assert.deepEqual(await h.call(c, "AUTH", "bob", "sec"), { error: WRONGPASS });
  assert.deepEqual(await h.call(c, "AUTH", "default", "sec"), { status: "OK" });
});

Deno.test("hello() before authentication names the HELLO AUTH option in its NOAUTH error", async () => {
  const h = new Harness({ requirepass: "sec" });
  const c = h.client();
  const noauth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
  assert.deepEqual(await h.call(c, "HELLO"), { error: noauth });
  assert.deepEqual(await h.call(c, "HELLO", "3"), { error: noauth });
  assert.deepEqual(await h.call(c, "PING"), { error: "NOAUTH Authentication required." });
  assert.equal(c.protocol, 2);
});

Deno.test("hello() parses the protocol version as a strict 64-bit integer", async () => {
  const h = new Harness();
  const c = h.client();
  const notInteger = { error: "ERR Protocol version is not an integer or out of range" };
  const noProto = { error: "NOPROTO unsupported protocol version" };
  assert.deepEqual(await h.call(c, "HELLO", "02"), notInteger);
  assert.deepEqual(await h.call(c, "HELLO", "-0"), notInteger);
  assert.deepEqual(await h.call(c, "HELLO", "99999999999999999999"), notInteger);
  assert.deepEqual(await h.call(c, "HELLO", "9999999999999999999"), notInteger);
  assert.deepEqual(await h.call(c, "HELLO", "999999999999999999"), noProto);
  assert.deepEqual(await h.call(c, "HELLO", "1"), noProto);
  assert.equal(c.protocol, 2);
});

Deno.test("hello() SETNAME refuses the names CLIENT SETNAME refuses", async () => {
  const h = new Harness();
  const c = h.client();
  const refused = {
    error: "ERR Client names cannot contain spaces, newlines or special characters.",
  };
  for (const name of ["a b", "a\u0001b", "é"]) {
    assert.deepEqual(await h.call(c, "HELLO", "3", "SETNAME", name), refused);
  }
  assert.equal(c.protocol, 2);
  assert.equal(c.name, "");
});
