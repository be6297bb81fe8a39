import assert from "node:assert/strict";
import { acceptEach } from "./conn_io.ts";

Deno.test("acceptEach() keeps accepting after a failed accept, and ends when the listener closes", async () => {
  const conn = {} as Deno.TcpConn;
  const script: (() => Promise<Deno.TcpConn>)[] = [
    () => Promise.resolve(conn),
    () => Promise.reject(new Deno.errors.Busy("too many open files")),
    () => Promise.resolve(conn),
    () => Promise.reject(new Deno.errors.BadResource("listener closed")),
  ];
  const errors: unknown[] = [];
  const logError = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  let accepted = 0;
  try {
    await acceptEach({ accept: () => (script.shift() as () => Promise<Deno.TcpConn>)() }, (c) => {
      assert.equal(c, conn);
      accepted++;
    });
  } finally {
    console.error = logError;
  }
  assert.equal(accepted, 2);
  assert.equal(errors.length, 1);
  assert.equal(script.length, 0);
});
