/**
 * Serialises `Reply` values to RESP2 or RESP3. Small replies are packed into one growing
 * buffer; a payload of `bigChunkBytes` or more (a tensor BLOB) is queued as its own chunk and
 * written from its own bytes, never copied. `take()` hands out everything buffered, so a
 * pipelined batch of replies leaves in one write.
 */
import { CommandError } from "../core/errors.ts";
import {
  BoolReply,
  DoubleReply,
  MapReply,
  PushReply,
  Reply,
  SetReply,
  Status,
  VerbatimReply,
} from "../core/reply.ts";

const encoder = new TextEncoder();
const CRLF_BYTES = 2;

export class RespWriter {
  protocol: 2 | 3 = 2;
  private buf: Uint8Array;
  private len = 0;
  private chunks: Uint8Array[] = [];
  private chunkedBytes = 0;

  constructor(initialBytes = 4096, private readonly bigChunkBytes = 16 * 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Bytes waiting to be taken. */
  get pendingBytes(): number {
    return this.chunkedBytes + this.len;
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
  }

  /** Raw pre-encoded bytes (constant replies). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private integer(n: number): void {
    if (Number.isInteger(n)) return this.ascii(`:${n}\r\n`);
    this.double(n);
  }

  private double(value: number): void {
    const text = formatDouble(value);
    if (this.protocol === 3) return this.ascii(`,${text}\r\n`);
    this.ascii(`$${text.length}\r\n${text}\r\n`);
  }

  private array(prefix: string, items: readonly Reply[]): void {
    this.ascii(`${prefix}${items.length}\r\n`);
    for (const item of items) this.write(item);
  }

  private map(reply: MapReply): void {
    const n = reply.entries.length;
    this.ascii(this.protocol === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`);
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
    this.ascii(`$${bytes.length}\r\n`);
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
      this.ascii(`$${value.length}\r\n`);
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
    if (this.len > 0 && this.len >= this.bigChunkBytes) this.flushBuf();
    if (this.len + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + n + CRLF_BYTES));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  private flushBuf(): void {
    if (this.len === 0) return;
    this.chunks.push(this.buf.slice(0, this.len));
    this.chunkedBytes += this.len;
    this.len = 0;
  }
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 127) return false;
  return true;
}

/** Redis's double formatting: shortest round-trip form, `inf`, `-inf`, `nan`. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}
