/**
 * Seeded fuzz tests for RespReader: random valid request streams (multibulk and inline, small
 * and ≥ 32 KiB arguments, blank lines) split at random points must yield the same requests
 * for every split; random garbage and mutated streams must end in requests or a
 * ProtocolError, never another exception or a hang. Prints its seed; `SEED=n` replays it.
 */
import assert from "node:assert/strict";
import { ProtocolError, RespReader } from "./resp_reader.ts";
import { concatBytes } from "../core/bytes.ts";

const SEED = Number(Deno.env.get("SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0]);
console.log(`resp_reader fuzz seed: ${SEED} (replay with SEED=${SEED})`);

type Rng = () => number;

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const enc = new TextEncoder();

function randomBytes(r: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = int(r, 0, 255);
  return out;
}

function randomArg(r: Rng): Uint8Array {
  const p = r();
  if (p < 0.02) return randomBytes(r, int(r, 32 * 1024, 40 * 1024));
  if (p < 0.1) return randomBytes(r, int(r, 100, 3000));
  if (p < 0.5) return enc.encode("abcdefgh*$\\ \"'\r\n".slice(0, int(r, 0, 16)));
  return randomBytes(r, int(r, 0, 20));
}

function multibulk(args: readonly Uint8Array[]): Uint8Array[] {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) parts.push(enc.encode(`$${a.length}\r\n`), a, enc.encode("\r\n"));
  return parts;
}

/** An inline line that splits back into `args`: safe tokens raw, the rest double-quoted. */
function inline(args: readonly Uint8Array[], r: Rng): Uint8Array {
  const tokens = args.map((a, i) => {
    const safe = a.length > 0 && a.every((b) => b > 32 && b < 127 && b !== 34 && b !== 39) &&
      !(i === 0 && a[0] === 42);
    if (safe) return String.fromCharCode(...a);
    let out = '"';
    for (const b of a) {
      if (b === 34) out += '\\"';
      else if (b === 92) out += "\\\\";
      else if (b >= 32 && b < 127) out += String.fromCharCode(b);
      else out += `\\x${b.toString(16).padStart(2, "0")}`;
    }
    return out + '"';
  });
  return enc.encode(tokens.join(" ".repeat(int(r, 1, 2))) + (r() < 0.5 ? "\r\n" : "\n"));
}

function latin1(args: readonly Uint8Array[]): string[] {
  return args.map((a) => {
    let s = "";
    for (let i = 0; i < a.length; i += 8192) s += String.fromCharCode(...a.subarray(i, i + 8192));
    return s;
  });
}

/** A random valid stream and the requests it encodes. */
function validStream(r: Rng): { stream: Uint8Array; requests: Uint8Array[][] } {
  const parts: Uint8Array[] = [];
  const requests: Uint8Array[][] = [];
  for (let n = int(r, 1, 60); n > 0; n--) {
    if (r() < 0.05) parts.push(enc.encode(r() < 0.5 ? "\r\n" : "\n"));
    const args = Array.from({ length: int(r, 1, 6) }, () => randomArg(r));
    const small = args.every((a) => a.length < 1000);
    if (small && r() < 0.3) parts.push(inline(args, r));
    else parts.push(...multibulk(args));
    requests.push(args);
  }
  return { stream: concatBytes(parts), requests };
}

/** Feeds `stream` in random pieces, draining after each; socket-style when `socket`. */
function feedSplit(
  reader: RespReader,
  stream: Uint8Array,
  r: Rng,
  onRequest: (a: Uint8Array[]) => void,
) {
  const socket = r() < 0.5;
  const pieceMax = [1, 16, 2000, 70_000][int(r, 0, 3)] as number;
  let offset = 0;
  while (offset < stream.length) {
    const want = Math.min(int(r, 1, pieceMax), stream.length - offset);
    if (socket) {
      const region = reader.writable();
      const n = Math.min(region.length, want);
      region.set(stream.subarray(offset, offset + n));
      reader.commit(n);
      offset += n;
    } else {
      reader.feed(stream.subarray(offset, offset + want));
      offset += want;
    }
    for (let args = reader.next(); args !== undefined; args = reader.next()) onRequest(args);
  }
}

Deno.test("RespReader yields the same requests for any split of a valid stream (seeded)", () => {
  const r = rng(SEED);
  for (let round = 0; round < 25; round++) {
    const { stream, requests } = validStream(r);
    const want = requests.map(latin1);
    for (let split = 0; split < 3; split++) {
      const reader = new RespReader({ bulkBytesMax: 512 * 1024 * 1024 });
      const got: string[][] = [];
      feedSplit(reader, stream, r, (args) => {
        for (const a of args) {
          if (a.length >= 32 * 1024) assert.equal(a.buffer.byteLength, a.length);
        }
        got.push(latin1(args));
      });
      assert.deepEqual(got, want, `seed ${SEED} round ${round} split ${split}`);
      assert.equal(reader.pendingBytes, 0);
    }
  }
});

/** Random bytes, or a valid stream with bytes flipped, inserted or cut. */
function garbage(r: Rng): Uint8Array {
  if (r() < 0.3) return randomBytes(r, int(r, 0, 3000));
  const bytes = Array.from(validStream(r).stream.subarray(0, 20_000));
  for (let n = int(r, 1, 8); n > 0; n--) {
    const at = int(r, 0, bytes.length);
    const p = r();
    if (p < 0.4) bytes[at] = int(r, 0, 255);
    else if (p < 0.7) {
      bytes.splice(
        at,
        0,
        ..."*$-:\r\n0123456789\"'".split("").map((c) => c.charCodeAt(0)).slice(int(r, 0, 18), 19),
      );
    } else bytes.splice(at, int(r, 1, 50));
  }
  return Uint8Array.from(bytes);
}

Deno.test("RespReader survives random garbage: requests or a ProtocolError (seeded)", () => {
  const r = rng(SEED ^ 0x5bd1e995);
  let errors = 0;
  for (let round = 0; round < 200; round++) {
    const input = garbage(r);
    const reader = new RespReader({ bulkBytesMax: 1024 * 1024 });
    let requests = 0;
    try {
      feedSplit(reader, input, r, () => requests++);
    } catch (e) {
      if (!(e instanceof ProtocolError)) {
        throw new Error(`seed ${SEED} round ${round}: ${e}`, { cause: e });
      }
      assert.match(e.message, /^Protocol error: /);
      errors++;
    }
    // Each request consumes at least one byte, so more requests than bytes means a loop.
    assert.ok(requests <= input.length, `seed ${SEED} round ${round}`);
  }
  assert.ok(errors > 0, "garbage should hit protocol errors");
});
