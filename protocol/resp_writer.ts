/**
 * Serialises `Reply` values to RESP2 or RESP3. Small replies are packed into one growing
 * buffer; a payload of `bigChunkBytes` or more (a tensor BLOB) is queued as its own chunk and
 * written from its own bytes, never copied. `take()` hands out everything buffered, so a
 * pipelined batch of replies leaves in one write.
 *
 * Bytes handed out are views into the buffer and are never written again (they may still be
 * in flight): later replies go after them, and a buffer that fills up is left to its views for
 * a new one. So `take()` allocates no buffer; copying each batch out cost about 0.5 µs.
 */
import { copyBytes } from "../core/bytes.ts";
import { assert, CommandError } from "../core/errors.ts";
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
} from "../core/reply.ts";

const encoder = new TextEncoder();
const COLON = 58;
const DOLLAR = 36;
const STAR = 42;
const PERCENT = 37;
const CRLF_BYTES = 2;

export class RespWriter {
  protocol: 2 | 3 = 2;
  private buf: Uint8Array;
  /** Buffered bytes not yet handed out are `buf[start, len)`. */
  private start = 0;
  private len = 0;
  private chunks: Uint8Array[] = [];
  private chunkedBytes = 0;

  constructor(initialBytes = 4096, private readonly bigChunkBytes = 16 * 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Bytes waiting to be taken. */
  get pendingBytes(): number {
    return this.chunkedBytes + this.len - this.start;
  }

  /** Everything written so far, as chunks to send in order; the writer is then empty. */
  take(): Uint8Array[] {
    this.flushBuf();
    const out = this.chunks;
    this.chunks = [];
    this.chunkedBytes = 0;
    return out;
  }

  write(reply: Reply): void {
    if (reply === null) return this.ascii(this.protocol === 3 ? "_\r\n" : "$-1\r\n");
    switch (typeof reply) {
      case "string":
        return this.bulkText(reply);
      case "number":
        return this.integer(reply);
      case "bigint":
        return this.ascii(`:${reply}\r\n`);
    }
    if (reply instanceof Uint8Array) return this.bulk(reply);
    if (Array.isArray(reply)) return this.array("*", reply as readonly Reply[]);
    if (reply instanceof Status) return this.line("+", reply.text);
    if (reply instanceof CommandError) return this.line("-", reply.message);
    if (reply instanceof MapReply) return this.map(reply);
    if (reply instanceof DoubleReply) return this.double(reply.value);
    if (reply instanceof SetReply) return this.array(this.protocol === 3 ? "~" : "*", reply.items);
    if (reply instanceof BoolReply) {
      return this.ascii(
        this.protocol === 3
          ? (reply.value ? "#t\r\n" : "#f\r\n")
          : reply.value
          ? ":1\r\n"
          : ":0\r\n",
      );
    }
    if (reply instanceof VerbatimReply) return this.verbatim(reply.text);
    if (reply instanceof PushReply) return this.array(this.protocol === 3 ? ">" : "*", reply.items);
    if (reply instanceof NullArrayReply) {
      return this.ascii(this.protocol === 3 ? "_\r\n" : "*-1\r\n");
    }
    // Writing nothing would leave the client waiting forever; fail loudly instead.
    assert(false, `unknown reply kind ${Object.prototype.toString.call(reply)}`);
  }

  /** Raw pre-encoded bytes (constant replies). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    if (bytes.length < 16) {
      const buf = this.buf;
      let at = this.len;
      for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i] as number;
      this.len = at;
      return;
    }
    copyBytes(this.buf, bytes, this.len);
    this.len += bytes.length;
  }

  private integer(n: number): void {
    // From 1e21 on `String(n)` uses an exponent (`1e+21`); a bigint prints every digit.
    if (Number.isSafeInteger(n)) return this.header(COLON, n);
    if (Number.isInteger(n)) {
      return this.ascii(Math.abs(n) < 1e21 ? `:${n}\r\n` : `:${BigInt(n)}\r\n`);
    }
    this.double(n);
  }

  private double(value: number): void {
    const text = formatDouble(value);
    if (this.protocol === 3) return this.ascii(`,${text}\r\n`);
    this.ascii(`$${text.length}\r\n${text}\r\n`);
  }

  private array(prefix: string, items: readonly Reply[]): void {
    this.header(prefix.charCodeAt(0), items.length);
    for (const item of items) this.write(item);
  }

  private map(reply: MapReply): void {
    const n = reply.entries.length;
    if (this.protocol === 3) this.header(PERCENT, n);
    else this.header(STAR, n * 2);
    for (const [k, v] of reply.entries) {
      this.write(k);
      this.write(v);
    }
  }

  private verbatim(text: string): void {
    if (this.protocol === 2) return this.bulkText(text);
    const bytes = encoder.encode(text);
    this.ascii(`=${bytes.length + 4}\r\ntxt:`);
    this.raw(bytes);
    this.ascii("\r\n");
  }

  private line(prefix: string, text: string): void {
    this.ascii(prefix);
    this.text(text);
    this.ascii("\r\n");
  }

  private bulk(bytes: Uint8Array): void {
    this.header(DOLLAR, bytes.length);
    if (bytes.length >= this.bigChunkBytes) {
      this.flushBuf();
      this.chunks.push(bytes);
      this.chunkedBytes += bytes.length;
    } else {
      this.raw(bytes);
    }
    this.ascii("\r\n");
  }

  private bulkText(value: string): void {
    if (isAscii(value)) {
      this.header(DOLLAR, value.length);
      this.ascii(value);
      this.ascii("\r\n");
      return;
    }
    this.bulk(encoder.encode(value));
  }

  /** Writes text that may be non-ASCII (error and status lines). */
  private text(value: string): void {
    if (isAscii(value)) return this.ascii(value);
    this.raw(encoder.encode(value));
  }

  /** Writes `<prefix><n>\r\n` digit by digit (no string is built); `n` is a safe integer. */
  private header(prefix: number, n: number): void {
    this.reserve(24);
    const buf = this.buf;
    let at = this.len;
    buf[at++] = prefix;
    if (n < 0) {
      buf[at++] = 45;
      n = -n;
    }
    // Digits are written from the last one back, into a span sized first (no temporaries).
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    at += digits;
    for (let i = at - 1; i >= at - digits; i--) {
      buf[i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    buf[at++] = 13;
    buf[at++] = 10;
    this.len = at;
  }

  private ascii(value: string): void {
    const n = value.length;
    this.reserve(n);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) buf[at++] = value.charCodeAt(i);
    this.len = at;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len - this.start >= this.bigChunkBytes) this.flushBuf();
    if (this.len + n <= this.buf.length) return;
    // A buffer that filled up is followed by one of at least `bigChunkBytes` (Redis's reply
    // buffer is 16 KiB too), so a run of mid-size replies (4 KiB tensors) shares buffers.
    const pending = this.len - this.start;
    const size = Math.max(this.buf.length, this.bigChunkBytes, 2 * (pending + n) + CRLF_BYTES);
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(this.start, this.len));
    this.buf = next;
    this.start = 0;
    this.len = pending;
  }

  private flushBuf(): void {
    if (this.len === this.start) return;
    this.chunks.push(this.buf.subarray(this.start, this.len));
    this.chunkedBytes += this.len - this.start;
    this.start = this.len;
  }
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 127) return false;
  return true;
}

/** `(double)(LLONG_MAX / 2)`: the largest magnitude Redis's `double2ll` prints as an integer. */
const EXACT_INTEGER_MAX = 2 ** 62;

/**
 * Redis 7.2's `d2string`, which every double reply goes through: `nan`, `inf`, `-inf`, `0` and
 * `-0`; integral values up to 2^62 as exact integers; anything else as the shortest round-trip
 * digits laid out the way `fpconv_dtoa` does (`1e+20`, `1.5e-6`, `1.2345669921875e+4`).
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs <= EXACT_INTEGER_MAX) {
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  // Decimal exponents -3..3: both layouts are plain decimals (the common case, kept fast).
  if (abs >= 0.001 && abs < 10000) return String(value);
  const [mantissa = "", exponent = ""] = abs.toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const text = fpconvLayout(digits, Number(exponent) - digits.length + 1);
  return value < 0 ? `-${text}` : text;
}

/** `fpconv_dtoa`'s `emit_digits`: `digits` × 10^`k`, plain or `d.ddde±x`. */
function fpconvLayout(digits: string, k: number): string {
  const n = digits.length;
  const exp = Math.abs(k + n - 1);
  if (k >= 0 && exp < n + 7) return digits + "0".repeat(k);
  if (k < 0 && (k > -7 || exp < 4)) {
    const point = n + k;
    return point <= 0
      ? `0.${"0".repeat(-point)}${digits}`
      : `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const fraction = n > 1 ? `.${digits.slice(1)}` : "";
  return `${digits.slice(0, 1)}${fraction}e${k + n - 1 < 0 ? "-" : "+"}${exp}`;
}
