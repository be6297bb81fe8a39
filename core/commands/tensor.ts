/**
 * Tensor commands: AI.TENSORSET and AI.TENSORGET, with RedisAI's order of checks (arity, then
 * the key's type, then the arguments) and texts. Wrong-arity errors name the command as the
 * client typed it (the `module` flag), as RedisModule_WrongArity does on Redis 6.
 */
import { command, CommandContext } from "../command.ts";
import { errors } from "../errors.ts";
import { bytesToKey, text } from "../keys.ts";
import { OK, Reply } from "../reply.ts";
import { tensorEntryBytes } from "../tensor.ts";
import { parseTensorSet, tensorLimits } from "../tensor_parse.ts";
import { parseTensorGetFormat, tensorReply } from "../tensor_reply.ts";
import { readTensor } from "./access.ts";

function tensorSet(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const key = bytesToKey(args[1] as Uint8Array);
  const old = ctx.db.getTyped(key, "tensor");
  const keyspace = ctx.server.keyspace;
  const tensor = parseTensorSet(args, {
    limits: tensorLimits(ctx.server.config),
    reserve: (dataBytes) => keyspace.checkMemory(Math.max(0, dataBytes - (old?.bytes ?? 0))),
  });
  ctx.db.set(key, { type: "tensor", value: tensor, bytes: tensorEntryBytes(tensor) });
  return OK;
}

function tensorGet(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length > 4) throw errors.arity(text(args[0] as Uint8Array));
  const tensor = readTensor(ctx.db, bytesToKey(args[1] as Uint8Array));
  return tensorReply(tensor, parseTensorGetFormat(args));
}

export const tensorCommands = [
  command({
    name: "ai.tensorset",
    arity: -4,
    flags: ["write", "denyoom", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "module",
    summary: "Stores a tensor (zero-filled, from a BLOB, or from VALUES).",
    handler: tensorSet,
  }),
  command({
    name: "ai.tensorget",
    arity: -2,
    flags: ["readonly", "module"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "module",
    summary: "Returns a tensor's META, BLOB or VALUES.",
    handler: tensorGet,
  }),
];
