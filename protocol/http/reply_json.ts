/**
 * The JSON form of a `Reply`, used by `POST /command` and wherever a route answers a reply
 * as is. The mapping, by reply kind:
 *
 * | reply | JSON |
 * | --- | --- |
 * | nil | `null` |
 * | integer (number or bigint) | a number, written exactly (64-bit values keep every digit) |
 * | bulk string (`string`/`Uint8Array`) | a string when it is valid UTF-8, else `{"base64": "..."}` |
 * | simple string (`Status`), verbatim text | a string |
 * | error | `{"error": "<Redis error line>"}` (at the top level the HTTP status comes from the error table) |
 * | array, set, push | an array |
 * | map | an object when every key is a string, else an array of `[key, value]` pairs |
 * | double | a number; `"inf"`, `"-inf"`, `"nan"` for the values JSON cannot write |
 * | boolean | `true` / `false` |
 *
 * Request arguments use the mirror form: a string, a number or `{"base64": "..."}`.
 */
import { CommandError } from "../../core/errors.ts";
import {
  BoolReply,
  DoubleReply,
  MapReply,
  PushReply,
  Reply,
  SetReply,
  Status,
  VerbatimReply,
} from "../../core/reply.ts";

/** A value `JSON.stringify` writes, with exact integers as raw JSON. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | RawJson
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** What `JSON.rawJSON` returns: text emitted verbatim by `JSON.stringify`. */
export interface RawJson {
  readonly rawJSON: string;
}

const rawJson = (JSON as unknown as { rawJSON(text: string): RawJson }).rawJSON;

/** An integer as a JSON number with every digit kept (bigints past 2^53 included). */
export function exactInteger(value: number | bigint): JsonValue {
  return typeof value === "bigint" ? rawJson(value.toString()) : value;
}

/** A double as JSON: a number, or `"inf"`, `"-inf"`, `"nan"`. */
export function jsonDouble(value: number): JsonValue {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as a string when they are valid UTF-8, else `{"base64": ...}`. */
export function jsonBytes(bytes: Uint8Array): JsonValue {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return { base64: bytes.toBase64() };
  }
}

/** The JSON form of a reply (see the module doc). */
export function replyToJson(reply: Reply): JsonValue {
  if (reply === null) return null;
  switch (typeof reply) {
    case "string":
      return reply;
    case "number":
      return Number.isInteger(reply) ? reply : jsonDouble(reply);
    case "bigint":
      return exactInteger(reply);
  }
  if (reply instanceof Uint8Array) return jsonBytes(reply);
  if (Array.isArray(reply)) return (reply as readonly Reply[]).map(replyToJson);
  if (reply instanceof Status) return reply.text;
  if (reply instanceof CommandError) return { error: reply.message };
  if (reply instanceof MapReply) return mapToJson(reply);
  if (reply instanceof DoubleReply) return jsonDouble(reply.value);
  if (reply instanceof BoolReply) return reply.value;
  if (reply instanceof VerbatimReply) return reply.text;
  if (reply instanceof SetReply || reply instanceof PushReply) return reply.items.map(replyToJson);
  return null;
}

function mapToJson(reply: MapReply): JsonValue {
  const keys = reply.entries.map(([k]) => replyToJson(k));
  if (keys.every((k) => typeof k === "string")) {
    const out: Record<string, JsonValue> = {};
    reply.entries.forEach(([, v], i) => out[keys[i] as string] = replyToJson(v));
    return out;
  }
  return reply.entries.map(([k, v]) => [replyToJson(k), replyToJson(v)]);
}

const encoder = new TextEncoder();

/** One request argument from JSON: a string, a finite number or `{"base64": "..."}`. */
export function jsonToArg(value: unknown): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (typeof value === "number" && Number.isFinite(value)) return encoder.encode(String(value));
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const b64 = (value as Record<string, unknown>).base64;
    if (typeof b64 === "string") {
      try {
        return Uint8Array.fromBase64(b64);
      } catch {
        throw new CommandError("ERR invalid base64 in a command argument");
      }
    }
  }
  throw new CommandError(
    'ERR each command argument must be a string, a number or {"base64": "..."}',
  );
}
