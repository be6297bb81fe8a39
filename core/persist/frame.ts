/**
 * Checksummed frames, the unit of every persistence file. A frame is a 13-byte header
 * (`u32le headerCrc`, `u32le bodyBytes`, `u8 kind`, `u32le bodyCrc`) and its body. The header
 * checks itself (its CRC32 covers the 9 bytes after it), so a damaged length is never taken
 * for a file cut short; the body has its own CRC32. A flipped bit anywhere is caught, and a
 * file that ends inside a frame (a torn last write) is told apart from one damaged in the
 * middle (`CorruptFileError.truncated`).
 *
 * `FrameWriter` streams frames through a bounded buffer: a large body is written from its own
 * memory, never copied into a bigger one. `FrameReader` reads through a small buffer and puts
 * a large body straight into the caller's destination (a tensor's storage), checking it there;
 * with a `ReadPool`, `bodyAhead()` reads large bodies on other handles while it moves on.
 */
import { crc32 } from "node:zlib";
import { encodeRecord } from "./codec.ts";
import type { ReadPool } from "./read_pool.ts";

export const FRAME_HEADER_BYTES = 13;
/** A msgpack record (see codec.ts). */
export const KIND_RECORD = 0x52;
/** A piece of a raw byte payload (tensor data, a string, a model blob). */
export const KIND_BLOB = 0x42;
/** Large payloads are cut into blob frames of at most this many bytes. */
export const BLOB_PIECE_BYTES = 1024 * 1024;

const WRITE_BUFFER_BYTES = 1024 * 1024;
const READ_BUFFER_BYTES = 64 * 1024;
/**
 * How much the first read after a body handed to the pool asks for: enough for the records
 * and blob header that usually come next. A whole buffer would also take in the start of the
 * next large body, which the reader would then copy into its destination on this thread.
 */
const READ_AFTER_AHEAD_BYTES = 8 * 1024;
/** `bodyAhead()` hands a body to the pool when at least this much of it is still unread. */
const AHEAD_BYTES_MIN = 128 * 1024;

/** A damaged or cut-short file, located by byte offset. */
export class CorruptFileError extends Error {
  constructor(
    readonly path: string,
    readonly offset: number,
    readonly reason: string,
    /** The file ends inside this frame (a torn last write), rather than being damaged. */
    readonly truncated: boolean,
  ) {
    super(`${path}: ${reason} at offset ${offset}`);
  }
}

/** Fills in a header at `at` of `view` (its bytes 4..8 already hold length and kind). */
export function sealHeader(bytes: Uint8Array, view: DataView, at: number, bodyCrc: number): void {
  view.setUint32(at + 9, bodyCrc, true);
  view.setUint32(at, crc32(bytes.subarray(at + 4, at + FRAME_HEADER_BYTES)), true);
}

/** The header of `body` as a frame of `kind`. */
export function frameHeader(kind: number, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(4, body.byteLength, true);
  header[8] = kind;
  sealHeader(header, view, 0, crc32(body));
  return header;
}

/** Writes frames to an async byte sink through a bounded buffer. */
export class FrameWriter {
  private readonly buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  private used = 0;
  bytesWritten = 0;

  constructor(private readonly sink: (chunk: Uint8Array) => Promise<void>) {}

  async frame(kind: number, body: Uint8Array): Promise<void> {
    const header = frameHeader(kind, body);
    const size = FRAME_HEADER_BYTES + body.byteLength;
    if (this.used + size > this.buffer.byteLength) await this.flush();
    this.put(header);
    if (body.byteLength > this.buffer.byteLength / 2) {
      await this.flush();
      await this.emit(body);
    } else {
      this.put(body);
    }
  }

  record(value: unknown): Promise<void> {
    return this.frame(KIND_RECORD, encodeRecord(value));
  }

  /** Writes unframed bytes (a file header). */
  async raw(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.byteLength > this.buffer.byteLength) await this.flush();
    this.put(bytes);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    // Callers await this before adding more, so the buffer is free again afterwards.
    await this.emit(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private put(bytes: Uint8Array): void {
    this.buffer.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    await this.sink(chunk);
    this.bytesWritten += chunk.byteLength;
  }
}

export interface FrameHeader {
  readonly kind: number;
  readonly bodyBytes: number;
  /** File offset of the frame's first byte. */
  readonly offset: number;
  readonly bodyCrc: number;
}

/** A body being read in the background (`FrameReader.bodyAhead()`). */
export interface BodyRead {
  /** Settles once the body is in place: rejects with a `CorruptFileError` if it is not sound. */
  readonly checked: Promise<void>;
}

const READ_DONE: BodyRead = { checked: Promise.resolve() };

/** Reads frames from a file, checking each one. */
export class FrameReader {
  private buffer = new Uint8Array(READ_BUFFER_BYTES);
  private start = 0;
  private end = 0;
  /** File offset of `buffer[end]` (where the file cursor is). */
  private filePos = 0;
  /** The most the next read asks for (see READ_AFTER_AHEAD_BYTES). */
  private readBytes = READ_BUFFER_BYTES;

  constructor(
    private readonly file: Deno.FsFile,
    readonly path: string,
    readonly sizeBytes: number,
    /** Extra handles on the file, for `bodyAhead()`. */
    private readonly pool?: ReadPool,
  ) {}

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.filePos - (this.end - this.start);
  }

  /** Fails at the current offset. */
  corrupt(reason: string, offset = this.offset, truncated = false): CorruptFileError {
    return new CorruptFileError(this.path, offset, reason, truncated);
  }

  /** Reads exactly `n` (small) bytes; `undefined` at a clean end of file (when `eofOk`). */
  async bytes(n: number, eofOk = false): Promise<Uint8Array | undefined> {
    const at = this.offset;
    if (!(await this.fill(n))) {
      if (eofOk && this.start === this.end) return undefined;
      throw this.corrupt("unexpected end of file", at, true);
    }
    const out = this.buffer.slice(this.start, this.start + n);
    this.start += n;
    return out;
  }

  /** The next frame's header, or `undefined` at a clean end of file. */
  async header(): Promise<FrameHeader | undefined> {
    const offset = this.offset;
    const raw = await this.bytes(FRAME_HEADER_BYTES, true);
    if (raw === undefined) return undefined;
    const view = new DataView(raw.buffer);
    if (crc32(raw.subarray(4)) !== view.getUint32(0, true)) {
      throw this.corrupt("damaged frame header", offset);
    }
    const bodyBytes = view.getUint32(4, true);
    const header = { kind: raw[8] as number, bodyBytes, offset, bodyCrc: view.getUint32(9, true) };
    if (offset + FRAME_HEADER_BYTES + bodyBytes > this.sizeBytes) {
      throw this.corrupt("frame runs past the end of the file", offset, true);
    }
    if (header.kind !== KIND_RECORD && header.kind !== KIND_BLOB) {
      throw this.corrupt(`unknown frame kind ${header.kind}`, offset);
    }
    return header;
  }

  /** The checked body of the frame `header` (just read), in `dest` when given. */
  async body(
    header: FrameHeader,
    dest: Uint8Array = new Uint8Array(header.bodyBytes),
  ): Promise<Uint8Array> {
    const n = header.bodyBytes;
    const buffered = Math.min(n, this.end - this.start);
    dest.set(this.buffer.subarray(this.start, this.start + buffered));
    this.start += buffered;
    for (let got = buffered; got < n;) {
      const read = await this.file.read(dest.subarray(got, n));
      if (read === null) throw this.corrupt("unexpected end of file", header.offset, true);
      got += read;
      this.filePos += read;
    }
    this.check(header, dest);
    return dest.subarray(0, n);
  }

  /**
   * Like `body()`, but with a pool a large body is read on one of its handles while this reader
   * moves on to the next frame: resolves once that read is under way (after waiting for a free
   * handle), and its `checked` settles when the body is in `dest`. A failed read is reported
   * through `checked` only, which callers must await before giving up on the file (and before
   * `close()`). Small bodies, and all bodies without a pool, are read here as by `body()`.
   */
  async bodyAhead(header: FrameHeader, dest: Uint8Array): Promise<BodyRead> {
    const n = header.bodyBytes;
    const buffered = Math.min(n, this.end - this.start);
    if (this.pool === undefined || n - buffered < AHEAD_BYTES_MIN) {
      await this.body(header, dest);
      return READ_DONE;
    }
    dest.set(this.buffer.subarray(this.start, this.start + buffered));
    this.start = this.end = 0;
    const read = await this.pool.begin(this.filePos, dest.subarray(buffered, n));
    this.filePos = header.offset + FRAME_HEADER_BYTES + n;
    this.file.seekSync(this.filePos, Deno.SeekMode.Start);
    this.readBytes = READ_AFTER_AHEAD_BYTES;
    const checked = read.complete.then((whole) => {
      if (!whole) throw this.corrupt("unexpected end of file", header.offset, true);
      this.check(header, dest);
    });
    // Failures surface where `checked` is awaited, not as an unhandled rejection meanwhile.
    checked.catch(() => {});
    return { checked };
  }

  /** Closes the pool (not the file this reader was given). */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** Checks a body read into `dest` against its header's CRC. */
  private check(header: FrameHeader, dest: Uint8Array): void {
    const n = header.bodyBytes;
    if (crc32(dest.subarray(0, n)) !== header.bodyCrc) {
      // A bad checksum on a frame that ends the file is what a torn last write looks like.
      const last = header.offset + FRAME_HEADER_BYTES + n === this.sizeBytes;
      throw this.corrupt("checksum mismatch", header.offset, last);
    }
  }

  /** Buffers at least `n` bytes; false if the file ends first. */
  private async fill(n: number): Promise<boolean> {
    if (this.end - this.start >= n) return true;
    this.buffer.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    while (this.end < n) {
      const upTo = Math.min(this.buffer.byteLength, Math.max(n, this.end + this.readBytes));
      const read = await this.file.read(this.buffer.subarray(this.end, upTo));
      if (read === null) return false;
      this.end += read;
      this.filePos += read;
    }
    this.readBytes = READ_BUFFER_BYTES;
    return true;
  }
}
