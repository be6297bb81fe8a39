/**
 * Helpers for persistence tests against an in-process server: a server started on a data
 * directory (save points off unless asked), sequential calls, INFO persistence as a map, and
 * waiting for an INFO field.
 */
import assert from "node:assert/strict";
import type { Config } from "../../core/config.ts";
import { Running, start } from "../../main.ts";
import { RawClient, Wire } from "./raw_client.ts";
import { redisCli } from "./server.ts";

export type Arg = string | Uint8Array | number;

/** Starts a server whose data directory is `dir`, once its data is loaded. */
export async function startIn(dir: string, config: Partial<Config> = {}): Promise<Running> {
  const running = start({ port: 0, "http-port": 0, dir, save: "", ...config });
  await running.ready;
  return running;
}

/** Sends `commands` one after another on one connection; returns the replies. */
export async function calls(port: number, commands: readonly Arg[][]): Promise<Wire[]> {
  const client = await RawClient.connect(port);
  try {
    const replies: Wire[] = [];
    for (const args of commands) replies.push(await client.call(...args));
    return replies;
  } finally {
    client.close();
  }
}

/** Fails on the first error reply. */
export function assertNoErrors(replies: readonly Wire[]): void {
  for (const r of replies) {
    if (r !== null && typeof r === "object" && "error" in r) assert.fail(r.error);
  }
}

/** INFO persistence as field → value (through redis-cli). */
export async function info(port: number): Promise<Map<string, string>> {
  const text = await redisCli(port, ["info", "persistence"]);
  return new Map(
    text.split(/\r?\n/).filter((l) => l.includes(":")).map((l) => {
      const at = l.indexOf(":");
      return [l.slice(0, at), l.slice(at + 1)];
    }),
  );
}

/** Polls INFO persistence until `field` reads `value` (at most about 5 s). */
export async function waitFor(port: number, field: string, value: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await info(port)).get(field) === value) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`INFO ${field} never became ${value}`);
}
