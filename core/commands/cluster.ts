/**
 * Single-node Redis Cluster introspection, so cluster clients (SmartRedis's default mode,
 * redis++, node-redis createCluster) can map all 16384 slots to this server: CLUSTER SLOTS,
 * SHARDS, NODES, INFO, MYID, KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT, plus READONLY,
 * READWRITE and ASKING, which cluster clients send. The node id is the server's run id.
 */
import { parseIntOrUndefined } from "../args.ts";
import type { CommandContext } from "../command.ts";
import { command } from "../command.ts";
import { keyHashSlot, SLOT_COUNT } from "../crc16.ts";
import { CommandError, errors } from "../errors.ts";
import { keyToBytes } from "../keys.ts";
import { MapReply, OK, Reply, VerbatimReply } from "../reply.ts";
import { container } from "./container.ts";

/** Redis's cluster bus port is the client port + 10000. */
const BUS_PORT_OFFSET = 10000;

/**
 * How this node is reached: the local address the asking client connected to (so a remote
 * client is never told 127.0.0.1), the RESP port and the node id.
 */
function self(ctx: CommandContext): { host: string; port: number; id: string } {
  const laddr = ctx.client.laddr;
  const colon = laddr.lastIndexOf(":");
  const host = colon > 0 ? laddr.slice(0, colon) : ctx.server.host;
  return { host, port: ctx.server.port, id: ctx.server.runId };
}

function slotsReply(ctx: CommandContext): Reply {
  const { host, port, id } = self(ctx);
  return [[0, SLOT_COUNT - 1, [host, port, id, []]]];
}

function shardsReply(ctx: CommandContext): Reply {
  const { host, port, id } = self(ctx);
  const node = new MapReply([
    ["id", id],
    ["port", port],
    ["ip", host],
    ["endpoint", host],
    ["role", "master"],
    ["replication-offset", 0],
    ["health", "online"],
  ]);
  return [new MapReply([["slots", [0, SLOT_COUNT - 1]], ["nodes", [node]]])];
}

function infoReply(): Reply {
  const fields: [string, string | number][] = [
    ["cluster_state", "ok"],
    ["cluster_slots_assigned", SLOT_COUNT],
    ["cluster_slots_ok", SLOT_COUNT],
    ["cluster_slots_pfail", 0],
    ["cluster_slots_fail", 0],
    ["cluster_known_nodes", 1],
    ["cluster_size", 1],
    ["cluster_current_epoch", 0],
    ["cluster_my_epoch", 0],
    ["cluster_stats_messages_sent", 0],
    ["cluster_stats_messages_received", 0],
    ["total_cluster_links_buffer_limit_exceeded", 0],
  ];
  return new VerbatimReply(fields.map(([k, v]) => `${k}:${v}\r\n`).join(""));
}

function nodesReply(ctx: CommandContext): Reply {
  const { host, port, id } = self(ctx);
  return new VerbatimReply(
    `${id} ${host}:${port}@${port + BUS_PORT_OFFSET} myself,master - 0 0 0 connected ` +
      `0-${SLOT_COUNT - 1}\n`,
  );
}

/** A slot number; `outOfRange` is the error text for a valid integer outside 0..16383. */
function parseSlot(arg: Uint8Array, outOfRange: string): number {
  const slot = parseIntOrUndefined(arg);
  if (slot === undefined) throw errors.notInteger();
  if (slot < 0 || slot >= SLOT_COUNT) throw new CommandError(outOfRange);
  return slot;
}

/** Keys of database 0 in `slot`, at most `countMax` (Redis Cluster serves only db 0). */
function keysInSlot(ctx: CommandContext, slot: number, countMax: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const key of ctx.server.keyspace.db(0).keys()) {
    if (out.length >= countMax) break;
    const bytes = keyToBytes(key);
    if (keyHashSlot(bytes) === slot) out.push(bytes);
  }
  return out;
}

/** READONLY, READWRITE and ASKING change nothing on a single primary. */
function noOp(name: string, summary: string) {
  return command({
    name,
    arity: 1,
    flags: ["fast", "loading", "stale"],
    group: "cluster",
    summary,
    since: "3.0.0",
    handler: () => OK,
  });
}

export const clusterCommands = [
  container({
    name: "cluster",
    flags: [],
    group: "cluster",
    summary: "A container for Redis Cluster commands.",
    since: "3.0.0",
  }, [
    {
      name: "slots",
      arity: 2,
      summary: "Returns the mapping of cluster slots to nodes.",
      handler: slotsReply,
    },
    {
      name: "shards",
      arity: 2,
      summary: "Returns the mapping of cluster slots to shards.",
      handler: shardsReply,
    },
    {
      name: "info",
      arity: 2,
      summary: "Returns information about the state of a node.",
      handler: infoReply,
    },
    {
      name: "nodes",
      arity: 2,
      summary: "Returns the cluster configuration for a node.",
      handler: nodesReply,
    },
    {
      name: "myid",
      arity: 2,
      summary: "Returns the ID of a node.",
      handler: (ctx) => ctx.server.runId,
    },
    {
      name: "keyslot",
      arity: 3,
      summary: "Returns the hash slot for a key.",
      arguments: "key",
      handler: (_ctx, args) => keyHashSlot(args[2] as Uint8Array),
    },
    {
      name: "countkeysinslot",
      arity: 3,
      summary: "Returns the number of keys in a hash slot.",
      arguments: "slot",
      handler: (ctx, args) =>
        keysInSlot(ctx, parseSlot(args[2] as Uint8Array, "ERR Invalid slot"), Infinity).length,
    },
    {
      name: "getkeysinslot",
      arity: 4,
      summary: "Returns the key names in a hash slot.",
      arguments: "slot count",
      handler: (ctx, args) => {
        const invalid = "ERR Invalid slot or number of keys";
        const slot = parseSlot(args[2] as Uint8Array, invalid);
        const count = parseIntOrUndefined(args[3] as Uint8Array);
        if (count === undefined) throw errors.notInteger();
        if (count < 0) throw new CommandError(invalid);
        return keysInSlot(ctx, slot, count);
      },
    },
  ]),
  noOp("readonly", "Enables read-only queries for a connection to a Redis Cluster replica node."),
  noOp("readwrite", "Enables read-write queries for a connection to a Redis Cluster replica node."),
  noOp("asking", "Signals that a cluster client is following an -ASK redirect."),
];
