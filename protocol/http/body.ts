/**
 * Request bodies under limits: a size cap (checked against Content-Length before reading, then
 * while streaming, so an oversize upload is cut off early) and an idle timeout between chunks
 * so a client that stalls mid-body cannot hold a request open forever. A big body is read into
 * one buffer of its own (a whole SharedArrayBuffer), so a tensor or model blob taken from it
 * becomes the stored value without another copy. A gzip or deflate body (`Content-Encoding`,
 * which Triton's clients can send) is inflated under the same size cap.
 */
import { CommandError } from "../../core/errors.ts";
import { allocTensorBytes } from "../../core/tensor.ts";
import { HttpError, httpErrors } from "./errors.ts";
import type { HttpRequest } from "./http_request.ts";

export interface BodyLimits {
  /** Largest body accepted (the bulk limit, `proto-max-bulk-len`). */
  readonly bytesMax: number;
  /** Watches for bodies whose next chunk is overdue. */
  readonly stalls: StallWatch;
}

interface Tracked {
  lastChunkMs: number;
  readonly stall: () => void;
}

/**
 * One timer for every body being read (not one per request): while reads are in flight it
 * ticks at a quarter of the idle limit and stalls any read that has waited past the limit; it
 * stops itself on the first tick with nothing to watch. `close()` stops it for good.
 */
export class StallWatch {
  private readonly reads = new Set<Tracked>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(readonly idleMs: number) {}

  /** Tracks a read; call `progress` on each chunk and `done` at the end. */
  track(stall: () => void): { progress(): void; done(): void } {
    const read: Tracked = { lastChunkMs: performance.now(), stall };
    this.reads.add(read);
    if (!this.closed) this.timer ??= setInterval(() => this.tick(), Math.max(5, this.idleMs / 4));
    return {
      progress: () => read.lastChunkMs = performance.now(),
      done: () => this.reads.delete(read),
    };
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private tick(): void {
    if (this.reads.size === 0) return this.stop();
    const limitMs = performance.now() - this.idleMs;
    for (const read of this.reads) if (read.lastChunkMs < limitMs) read.stall();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Bodies up to this size with a Content-Length are read in one go (faster than a stream). */
const WHOLE_BODY_BYTES_MAX = 1024 * 1024;

/** Content codings inflated on the way in, by their `Content-Encoding` names. */
const CODINGS: ReadonlyMap<string, CompressionFormat> = new Map([
  ["gzip", "gzip"],
  ["x-gzip", "gzip"],
  ["deflate", "deflate"],
]);

/** Reads the whole body into one buffer (empty when there is none), inflated if compressed. */
export async function readBody(req: HttpRequest, limits: BodyLimits): Promise<Uint8Array> {
  const coding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  const format = CODINGS.get(coding);
  if (format === undefined && coding !== "identity") {
    await req.body?.cancel().catch(() => {});
    throw httpErrors.contentCoding(coding);
  }
  const body = await readSent(req, limits);
  return format === undefined ? body : await inflate(body, format, limits);
}

/** The body as sent. */
async function readSent(req: HttpRequest, limits: BodyLimits): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  const declaredBytes = declared === null ? undefined : Number(declared);
  if (declaredBytes !== undefined && declaredBytes > limits.bytesMax) {
    await req.body?.cancel().catch(() => {});
    throw httpErrors.tooLarge(limits.bytesMax);
  }
  // Checked before touching `req.body`, which builds a stream object.
  if (declaredBytes !== undefined && declaredBytes <= WHOLE_BODY_BYTES_MAX) {
    return await readWhole(req, limits);
  }
  if (req.body === null) return new Uint8Array(0);
  return await readStream(req.body.getReader(), limits);
}

/** A compressed body inflated chunk by chunk: the size limit applies to what it inflates to. */
async function inflate(
  body: Uint8Array,
  format: CompressionFormat,
  limits: BodyLimits,
): Promise<Uint8Array> {
  const inflated = new Blob([body.slice()]).stream().pipeThrough(new DecompressionStream(format));
  try {
    return await readStream(inflated.getReader(), limits);
  } catch (e) {
    // The inflater fails with a TypeError; the size limit keeps its own status.
    if (e instanceof HttpError) throw e;
    throw httpErrors.badCoding(format);
  }
}

/** A small body in one read; a stall past the idle limit answers 408 (the server then closes). */
async function readWhole(req: HttpRequest, limits: BodyLimits): Promise<Uint8Array> {
  let stall: () => void = () => {};
  const stalled = new Promise<never>((_, reject) => {
    stall = () => reject(httpErrors.slowClient());
  });
  const watch = limits.stalls.track(stall);
  try {
    return await Promise.race([req.bytes(), stalled]);
  } finally {
    watch.done();
  }
}

/** A big or chunked body, chunk by chunk: the size limit cuts it off as soon as it is passed. */
async function readStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limits: BodyLimits,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let stalled = false;
  const watch = limits.stalls.track(() => {
    stalled = true;
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (stalled) throw httpErrors.slowClient();
      if (done) break;
      watch.progress();
      total += value.length;
      if (total > limits.bytesMax) throw httpErrors.tooLarge(limits.bytesMax);
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw stalled ? httpErrors.slowClient() : e;
  } finally {
    watch.done();
  }
  return concat(chunks, total);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = allocTensorBytes(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

const decoder = new TextDecoder();

/**
 * Parses JSON text; malformed input is a 400 with the parser's reason. Integers beyond 2^53
 * become bigints (read from their source text) so INT64 values keep every digit.
 */
export function parseJson(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  try {
    // The reviver is slow on big arrays: only pay for it when a long integer is present.
    return LONG_DIGITS.test(text) ? JSON.parse(text, exactIntegers) : JSON.parse(text);
  } catch (e) {
    throw new CommandError(`ERR invalid JSON body: ${e instanceof Error ? e.message : e}`);
  }
}

/** 16 digits in a row: a number that may not survive as a double. */
const LONG_DIGITS = /\d{16}/;

function exactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? BigInt(source) : value;
}

/** Reads and parses a JSON body. */
export async function readJson(req: HttpRequest, limits: BodyLimits): Promise<unknown> {
  return parseJson(await readBody(req, limits));
}
