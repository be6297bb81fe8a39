/**
 * Runs commands through the real dispatcher against an in-memory ServerState, with no sockets,
 * for unit tests of command handlers. The clock is injected (`harness.nowMs`), clients record
 * their out-of-band pushes and whether they were asked to close, and `plain()` turns a Reply
 * into plain data for `assert.deepEqual`.
 */
import { ClientState } from "../../core/client.ts";
import type { CommandSpec } from "../../core/command.ts";
import { CommandTable } from "../../core/command.ts";
import { buildCommandTable } from "../../core/commands/all.ts";
import { type Config, defaultConfig } from "../../core/config.ts";
import { dispatch } from "../../core/dispatch.ts";
import { CommandError } from "../../core/errors.ts";
import {
  BoolReply,
  DoubleReply,
  MapReply,
  NullArrayReply,
  PushReply,
  Reply,
  SetReply,
  Status,
  VerbatimReply,
} from "../../core/reply.ts";
import { ServerState } from "../../core/server_state.ts";

export interface TestClient extends ClientState {
  readonly pushes: Reply[];
  readonly closed: { count: number };
}

export type Plain =
  | null
  | number
  | bigint
  | string
  | boolean
  | Plain[]
  | { status: string }
  | { error: string }
  | { map: [Plain, Plain][] }
  | { set: Plain[] }
  | { push: Plain[] }
  | { double: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Harness {
  nowMs = 1_700_000_000_000;
  readonly server: ServerState;

  /** `extraRows` adds test-only commands to the full table. */
  constructor(config: Partial<Config> = {}, extraRows: readonly CommandSpec[] = []) {
    const table = extraRows.length === 0
      ? buildCommandTable()
      : new CommandTable([[...buildCommandTable().all()], extraRows]);
    this.server = new ServerState({ ...defaultConfig(), ...config }, table, () => this.nowMs);
    this.server.port = 6379;
  }

  /** A connected, authenticated client registered with the server. */
  client(
    addr = `127.0.0.1:${50000 + this.server.nextClientId}`,
    laddr = "127.0.0.1:6379",
  ): TestClient {
    const pushes: Reply[] = [];
    const closed = { count: 0 };
    const client = new ClientState(
      this.server.nextClientId++,
      addr,
      laddr,
      this.nowMs,
      this.server.config.requirepass === "",
      () => closed.count++,
      (reply) => pushes.push(reply),
    );
    this.server.clients.set(client.id, client);
    return Object.assign(client, { pushes, closed });
  }

  /** Dispatches one command (string args are UTF-8) and returns its plain reply. */
  async call(client: ClientState, ...args: (string | Uint8Array)[]): Promise<Plain> {
    const bytes = args.map((a) => typeof a === "string" ? encoder.encode(a) : a);
    return plain(await dispatch(this.server, client, bytes));
  }
}

/** A Reply as plain data: bulk strings become text, wrappers become tagged objects. */
export function plain(reply: Reply): Plain {
  if (reply === null || typeof reply === "number" || typeof reply === "bigint") return reply;
  if (typeof reply === "string") return reply;
  if (reply instanceof Uint8Array) return decoder.decode(reply);
  if (Array.isArray(reply)) return (reply as readonly Reply[]).map(plain);
  if (reply instanceof Status) return { status: reply.text };
  if (reply instanceof CommandError) return { error: reply.message };
  if (reply instanceof MapReply) {
    return { map: reply.entries.map(([k, v]) => [plain(k), plain(v)]) };
  }
  if (reply instanceof SetReply) return { set: reply.items.map(plain) };
  if (reply instanceof PushReply) return { push: reply.items.map(plain) };
  if (reply instanceof VerbatimReply) return reply.text;
  if (reply instanceof DoubleReply) return { double: reply.value };
  if (reply instanceof BoolReply) return reply.value;
  if (reply instanceof NullArrayReply) return null;
  throw new Error("unknown reply type");
}

/** The entries of a `{map}` as an object keyed by text (for field lookups in tests). */
export function mapOf(value: Plain): Record<string, Plain> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("map" in value)) {
    throw new Error(`not a map: ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(value.map.map(([k, v]) => [String(k), v]));
}
