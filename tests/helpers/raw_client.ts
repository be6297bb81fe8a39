import { concatBytes } from "../../core/bytes.ts";
/**
 * A minimal RESP client for tests that need the exact wire form of replies: it sends
 * commands as multibulk (or raw bytes) and decodes replies into plain values, keeping the
 * type of each reply visible (`{error}`, `{status}`, `{double}`, ...).
 */

export type Wire =
  | null
  | number
  | bigint
  | string
  | Wire[]
  | { error: string }
  | { status: string }
  | { double: string }
  | { bool: boolean }
  | { map: [Wire, Wire][] }
  | { set: Wire[] }
  | { push: Wire[] }
  | { verbatim: string }
  | { bytes: Uint8Array };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a command as a RESP multibulk. */
export function encodeCommand(args: readonly (string | Uint8Array | number)[]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = arg instanceof Uint8Array ? arg : encoder.encode(String(arg));
    parts.push(encoder.encode(`$${bytes.length}\r\n`), bytes, encoder.encode("\r\n"));
  }
  return concatBytes(parts);
}

/** Encodes several commands back to back (one pipelined write). */
export function encodePipeline(commands: readonly (readonly (string | Uint8Array | number)[])[]) {
  return concatBytes(commands.map(encodeCommand));
}

export class RawClient {
  private buf = new Uint8Array(0);
  private pos = 0;
  /** One receive buffer for every read: a fresh 64 KiB array per reply cost more than the reply. */
  private readonly chunk = new Uint8Array(64 * 1024);
  /** Bulk strings come back as `{bytes}` when true, as text when false. */
  binary = false;

  private constructor(private readonly conn: Deno.TcpConn) {}

  static async connect(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    const conn = await Deno.connect({ port, hostname });
    return new RawClient(conn);
  }

  /** Sends one command and returns its reply. */
  async call(...args: (string | Uint8Array | number)[]): Promise<Wire> {
    await this.send(encodeCommand(args));
    return await this.read();
  }

  /** Sends raw bytes. */
  async send(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.conn.write(bytes.subarray(offset));
  }

  /** Reads one reply. Throws if the connection closes first. */
  async read(): Promise<Wire> {
    for (;;) {
      const save = this.pos;
      const value = this.parse();
      if (value !== undefined) return value.v;
      this.pos = save;
      const chunk = this.chunk;
      const n = await this.conn.read(chunk);
      if (n === null) throw new Error("connection closed");
      const merged = new Uint8Array(this.buf.length - this.pos + n);
      merged.set(this.buf.subarray(this.pos));
      merged.set(chunk.subarray(0, n), this.buf.length - this.pos);
      this.buf = merged;
      this.pos = 0;
    }
  }

  /** True once the server has closed the connection (reads EOF within `waitMs`). */
  async closedByServer(waitMs = 2000): Promise<boolean> {
    const chunk = new Uint8Array(1024);
    const timer = setTimeout(() => this.conn.close(), waitMs);
    try {
      for (;;) {
        const n = await this.conn.read(chunk);
        if (n === null) return true;
      }
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }

  private line(): string | undefined {
    const idx = this.buf.subarray(this.pos).indexOf(10);
    if (idx < 0) return undefined;
    const line = decoder.decode(this.buf.subarray(this.pos + 1, this.pos + idx - 1));
    this.pos += idx + 1;
    return line;
  }

  private parse(): { v: Wire } | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const type = String.fromCharCode(this.buf[this.pos] as number);
    const line = this.line();
    if (line === undefined) return undefined;
    switch (type) {
      case "+":
        return { v: { status: line } };
      case "-":
        return { v: { error: line } };
      case ":":
        return { v: Number.isSafeInteger(Number(line)) ? Number(line) : BigInt(line) };
      case ",":
        return { v: { double: line } };
      case "#":
        return { v: { bool: line === "t" } };
      case "_":
        return { v: null };
      case "$":
      case "=": {
        const len = Number(line);
        if (len < 0) return { v: null };
        if (this.buf.length - this.pos < len + 2) return undefined;
        const bytes = this.buf.slice(this.pos, this.pos + len);
        this.pos += len + 2;
        if (type === "=") return { v: { verbatim: decoder.decode(bytes.subarray(4)) } };
        return { v: this.binary ? { bytes } : decoder.decode(bytes) };
      }
      case "*":
      case "~":
      case ">":
      case "%": {
        const n = Number(line);
        if (n < 0) return { v: null };
        const items: Wire[] = [];
        for (let i = 0; i < (type === "%" ? 2 * n : n); i++) {
          const item = this.parse();
          if (item === undefined) return undefined;
          items.push(item.v);
        }
        if (type === "~") return { v: { set: items } };
        if (type === ">") return { v: { push: items } };
        if (type === "%") {
          const map: [Wire, Wire][] = [];
          for (let i = 0; i < items.length; i += 2) {
            map.push([items[i] as Wire, items[i + 1] as Wire]);
          }
          return { v: { map } };
        }
        return { v: items };
      }
      default:
        throw new Error(`bad reply type ${JSON.stringify(type)}`);
    }
  }
}
