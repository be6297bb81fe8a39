/**
 * What the HTTP app reads of a request: the part of the Fetch API's `Request` that routes use,
 * so a real `Request` is one (tests pass them), and the HTTP/1.1 server builds a lighter one
 * per request. Why not a `Request` each time: constructing one allocates its abort signal and
 * body machinery, and the finalizers they register made V8 run a full mark-compact every few
 * thousand requests, which under load cost more server CPU than the rest of the HTTP layer.
 */

/** Header fields by lower-case name, as `Headers` offers them. */
export interface HeaderFields extends Iterable<[string, string]> {
  get(name: string): string | null;
  has(name: string): boolean;
}

export interface HttpRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: HeaderFields;
  /** The body as a stream; null when there is none. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** The whole body. */
  bytes(): Promise<Uint8Array>;
}

/** Header fields as received (names already lower-cased); repeated fields join with ", ". */
export class ReceivedHeaders implements HeaderFields {
  constructor(private readonly fields: readonly [string, string][]) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    let value: string | null = null;
    for (const [n, v] of this.fields) {
      if (n === key) value = value === null ? v : `${value}, ${v}`;
    }
    return value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.fields[Symbol.iterator]();
  }
}

/** A request as the HTTP/1.1 server received it: its body whole, streaming, or absent. */
export class IncomingRequest implements HttpRequest {
  readonly headers: ReceivedHeaders;
  private stream: ReadableStream<Uint8Array> | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    fields: readonly [string, string][],
    private readonly payload: Uint8Array | ReadableStream<Uint8Array> | null,
  ) {
    this.headers = new ReceivedHeaders(fields);
  }

  get body(): ReadableStream<Uint8Array> | null {
    const payload = this.payload;
    if (!(payload instanceof Uint8Array)) return payload;
    return this.stream ??= ReadableStream.from([payload]);
  }

  bytes(): Promise<Uint8Array> {
    const payload = this.payload;
    if (payload instanceof ReadableStream) return new Response(payload).bytes();
    return Promise.resolve(payload ?? new Uint8Array(0));
  }
}
