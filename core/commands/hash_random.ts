/**
 * HRANDFIELD with Redis 7 semantics: one random field, or `count` distinct fields (a positive
 * count; the whole hash when it has no more), or `-count` fields that may repeat, each with
 * its value under WITHVALUES (flat in RESP2, pairs in RESP3).
 */
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { parseInt64Arg } from "../int64.ts";
import { keyToBytes, keyword } from "../keys.ts";
import type { Reply } from "../reply.ts";
import { keyAt, readTyped } from "./access.ts";

/** Redis's LONG_MAX: a count must lie in ±LONG_MAX, and in ±LONG_MAX/2 with WITHVALUES. */
const LONG_MAX = 9223372036854775807n;

function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/** `n` distinct fields in random order (partial Fisher-Yates), or all of them in hash order. */
function distinctFields(hash: Map<string, Uint8Array>, n: number): string[] {
  const fields = [...hash.keys()];
  if (n >= fields.length) return fields;
  for (let i = 0; i < n; i++) {
    const j = i + randomIndex(fields.length - i);
    [fields[i], fields[j]] = [fields[j] as string, fields[i] as string];
  }
  return fields.slice(0, n);
}

function parseCount(args: readonly Uint8Array[]): { count: bigint; withValues: boolean } {
  const count = BigInt(parseInt64Arg(args[2] as Uint8Array));
  if (count < -LONG_MAX) throw errors.rangeBetween(-LONG_MAX, LONG_MAX);
  const option = args[3];
  if (args.length > 4 || (option !== undefined && keyword(option) !== "WITHVALUES")) {
    throw errors.syntax();
  }
  const withValues = option !== undefined;
  if (withValues && (count < -LONG_MAX / 2n || count > LONG_MAX / 2n)) {
    throw new CommandError("ERR value is out of range");
  }
  return { count, withValues };
}

function hrandfield(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length === 2) {
    const hash = readTyped(ctx.db, keyAt(args, 1), "hash")?.value;
    if (hash === undefined) return null;
    return keyToBytes(distinctFields(hash, 1)[0] as string);
  }
  const { count, withValues } = parseCount(args);
  const hash = readTyped(ctx.db, keyAt(args, 1), "hash")?.value;
  if (hash === undefined || count === 0n) return [];
  let fields: string[];
  if (count > 0n) {
    fields = distinctFields(hash, Number(count));
  } else {
    const all = [...hash.keys()];
    fields = Array.from({ length: Number(-count) }, () => all[randomIndex(all.length)] as string);
  }
  if (!withValues) return fields.map(keyToBytes);
  const pairs = fields.map((f) => [keyToBytes(f), hash.get(f) as Uint8Array]);
  return ctx.client.protocol === 3 ? pairs : pairs.flat();
}

export const hashRandomCommands = [
  command({
    name: "hrandfield",
    arity: -2,
    flags: ["readonly"],
    group: "hash",
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Returns one or more random fields from a hash.",
    since: "6.2.0",
    arguments: "key [count [WITHVALUES]]",
    handler: hrandfield,
  }),
];
