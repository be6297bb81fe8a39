/**
 * What the slowlog keeps of a request: at most 32 arguments of at most 128 bytes each, copied
 * (never views into request buffers, so a logged tensor BLOB doesn't pin its memory), with
 * Redis's "... (N more bytes)" and "... (N more arguments)" notes.
 */
import { utf8 } from "./keys.ts";

const ARG_COUNT_MAX = 32;
const ARG_BYTES_MAX = 128;

export function slowlogArgs(args: readonly Uint8Array[]): Uint8Array[] {
  const kept = args.length > ARG_COUNT_MAX ? ARG_COUNT_MAX - 1 : args.length;
  const out: Uint8Array[] = [];
  for (let i = 0; i < kept; i++) out.push(clip(args[i] as Uint8Array));
  if (kept < args.length) out.push(utf8(`... (${args.length - kept} more arguments)`));
  return out;
}

function clip(arg: Uint8Array): Uint8Array {
  if (arg.length <= ARG_BYTES_MAX) return arg.slice();
  const note = utf8(`... (${arg.length - ARG_BYTES_MAX} more bytes)`);
  const out = new Uint8Array(ARG_BYTES_MAX + note.length);
  out.set(arg.subarray(0, ARG_BYTES_MAX));
  out.set(note, ARG_BYTES_MAX);
  return out;
}
