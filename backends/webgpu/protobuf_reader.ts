/**
 * A small reader for the protobuf wire format, enough for ONNX models: varints (int32, int64,
 * enums, bools), 32-bit floats, length-delimited fields (strings, bytes, messages, packed
 * repeated scalars) and skipping of everything else. It reads from a byte view with explicit
 * cursors and never copies: `bytes()` returns a view into the model blob.
 *
 * Malformed input (a truncated field, an over-long varint, a wire type protobuf lacks) throws a
 * `ProtobufError`; int64 values beyond 2^53 lose precision, which ONNX only uses as "to the
 * end" sentinels (Slice ends of INT64_MAX).
 */

export class ProtobufError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 2 ** 32;

export class ProtoReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = 0;
    this.#end = bytes.byteLength;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The next field's tag as `[fieldNumber, wireType]`. */
  tag(): [number, number] {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new ProtobufError("invalid field number 0");
    return [field, tag % 8];
  }

  /** A varint as a signed number (int64 two's complement folds to negative). */
  varint(): number {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.#pos >= this.#end) throw new ProtobufError("truncated varint");
      const byte = this.#bytes[this.#pos++] ?? 0;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) {
        lo >>>= 0;
        hi >>>= 0;
        if (hi >= 0x80000000) return -((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1);
        return hi * TWO_32 + lo;
      }
    }
    throw new ProtobufError("varint longer than 10 bytes");
  }

  float32(): number {
    this.#need(4);
    const value = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return value;
  }

  float64(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return value;
  }

  /** A length-delimited field as a view into the blob. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length < 0) throw new ProtobufError("negative length");
    this.#need(length);
    const view = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return view;
  }

  string(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** Skips a field of wire type `wire`. */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.#advance(8);
    else if (wire === WIRE_BYTES) this.bytes();
    else if (wire === WIRE_FIXED32) this.#advance(4);
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }

  /** Appends a repeated varint field, packed or not, to `out`. */
  varints(wire: number, out: number[]): void {
    if (wire === WIRE_VARINT) {
      out.push(this.varint());
      return;
    }
    const packed = new ProtoReader(this.#expect(wire, WIRE_BYTES));
    while (!packed.done) out.push(packed.varint());
  }

  /** Appends a repeated float field, packed or not, to `out`. */
  floats(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED32) {
      out.push(this.float32());
      return;
    }
    const packed = new ProtoReader(this.#expect(wire, WIRE_BYTES));
    while (!packed.done) out.push(packed.float32());
  }

  /** Appends a repeated double field, packed or not, to `out`. */
  doubles(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED64) {
      out.push(this.float64());
      return;
    }
    const packed = new ProtoReader(this.#expect(wire, WIRE_BYTES));
    while (!packed.done) out.push(packed.float64());
  }

  #expect(wire: number, expected: number): Uint8Array {
    if (wire !== expected) throw new ProtobufError(`wire type ${wire}, expected ${expected}`);
    return this.bytes();
  }

  #need(length: number): void {
    if (this.#pos + length > this.#end) throw new ProtobufError("truncated field");
  }

  #advance(length: number): void {
    this.#need(length);
    this.#pos += length;
  }
}
