/**
 * Frames built synchronously in memory, for the append-only log's hot path: small frames are
 * packed into shared chunks with no allocation per frame, and a large body (≥ 16 KiB, e.g. a
 * tensor argument) is referenced where it lies rather than copied. `take()` hands back the
 * bytes to write, in order; chunk memory already handed out is never written again.
 */
import { crc32 } from "node:zlib";
import { ByteSink, commandRecordBytes, writeCommandRecord } from "./codec.ts";
import { FRAME_HEADER_BYTES, KIND_RECORD, sealHeader } from "./frame.ts";

const CHUNK_BYTES = 64 * 1024;
const VIEW_BYTES_MIN = 16 * 1024;

export class FrameBuffer implements ByteSink {
  private chunk = new Uint8Array(CHUNK_BYTES);
  private view = new DataView(this.chunk.buffer);
  private used = 0;
  /** Start of the part of `chunk` not yet moved to `out`. */
  private start = 0;
  private out: Uint8Array[] = [];
  private outBytes = 0;
  /** The frame being written: where its header is, and its body's CRC so far. */
  private headerChunk = this.chunk;
  private headerView = this.view;
  private headerAt = 0;
  private crc = 0;
  /** Start of the bytes of `chunk` not yet in `crc`. */
  private crcFrom = 0;

  /** Bytes held. */
  get byteLength(): number {
    return this.outBytes + this.used - this.start;
  }

  /** Appends a frame of `kind` with `body` (copied when small, referenced when large). */
  frame(kind: number, body: Uint8Array): void {
    this.begin(kind, body.byteLength);
    this.bytes(body);
    this.end();
  }

  /** Appends the record `["c", db, [...args]]` (a logged command). */
  command(db: number, args: readonly Uint8Array[]): void {
    this.begin(KIND_RECORD, commandRecordBytes(db, args));
    writeCommandRecord(this, db, args);
    this.end();
  }

  /** The bytes held, in write order; the buffer is then empty. */
  take(): Uint8Array[] {
    this.emit();
    const out = this.out;
    this.out = [];
    this.outBytes = 0;
    return out;
  }

  u8(n: number): void {
    this.reserve(1);
    this.chunk[this.used++] = n;
  }

  u16(n: number): void {
    this.reserve(2);
    this.view.setUint16(this.used, n);
    this.used += 2;
  }

  u32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.used, n);
    this.used += 4;
  }

  bytes(b: Uint8Array): void {
    if (b.byteLength < VIEW_BYTES_MIN) {
      this.reserve(b.byteLength);
      this.chunk.set(b, this.used);
      this.used += b.byteLength;
      return;
    }
    this.checksum();
    this.emit();
    this.crc = crc32(b, this.crc);
    this.out.push(b);
    this.outBytes += b.byteLength;
  }

  private begin(kind: number, bodyBytes: number): void {
    this.reserve(FRAME_HEADER_BYTES);
    this.headerChunk = this.chunk;
    this.headerView = this.view;
    this.headerAt = this.used;
    this.view.setUint32(this.used + 4, bodyBytes, true);
    this.chunk[this.used + 8] = kind;
    this.used += FRAME_HEADER_BYTES;
    this.crc = 0;
    this.crcFrom = this.used;
  }

  private end(): void {
    this.checksum();
    sealHeader(this.headerChunk, this.headerView, this.headerAt, this.crc);
  }

  /** Folds the chunk bytes written since the last call into the frame's CRC. */
  private checksum(): void {
    if (this.used > this.crcFrom) {
      this.crc = crc32(this.chunk.subarray(this.crcFrom, this.used), this.crc);
    }
    this.crcFrom = this.used;
  }

  /** Moves the chunk's unsent bytes to `out`. */
  private emit(): void {
    if (this.used === this.start) return;
    this.out.push(this.chunk.subarray(this.start, this.used));
    this.outBytes += this.used - this.start;
    this.start = this.used;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.chunk.byteLength) return;
    this.checksum();
    this.emit();
    this.chunk = new Uint8Array(CHUNK_BYTES);
    this.view = new DataView(this.chunk.buffer);
    this.used = 0;
    this.start = 0;
    this.crcFrom = 0;
  }
}
