/**
 * Uniform packing with WGSL's uniform-address-space layout: scalars align to 4 bytes, `vec4`s
 * and arrays of `vec4` to 16 (array stride 16), and the struct's size rounds up to 16. A
 * `UniformLayout` produces both the WGSL struct declaration and the packer from one field list,
 * so the shader and the bytes can never disagree. Arrays exist only of `vec4` types because the
 * uniform address space requires a 16-byte array stride.
 */
export type UniformScalar = "u32" | "i32" | "f32";
export type UniformType = UniformScalar | "vec4<u32>" | "vec4<i32>" | "vec4<f32>";

export interface UniformField {
  readonly name: string;
  readonly type: UniformType;
  /** Makes the field `array<type, count>`; only for `vec4` types. */
  readonly count?: number;
}

export type UniformValues = Readonly<Record<string, number | readonly number[]>>;

interface PlacedField {
  readonly field: UniformField;
  readonly offset: number;
  /** Scalars the field holds (1, 4 or 4 × count). */
  readonly length: number;
  readonly scalar: UniformScalar;
}

/** The number of `vec4`s that hold `n` scalars (at least one). */
export function vec4Count(n: number): number {
  return Math.max(1, Math.ceil(n / 4));
}

/** WGSL reading scalar `i` (a constant) of a `vec4` array field: `u.dims[1][2]`. */
export function uniformAt(field: string, i: number): string {
  return `u.${field}[${i >> 2}][${i & 3}]`;
}

export class UniformLayout {
  readonly byteLength: number;
  /** `struct Uniforms { ... }` and the binding `u` at `@group(0) @binding(binding)`. */
  readonly wgsl: string;
  readonly #fields: readonly PlacedField[];

  constructor(fields: readonly UniformField[], binding: number) {
    const placed: PlacedField[] = [];
    let offset = 0;
    for (const field of fields) {
      const isVec = field.type.startsWith("vec4");
      if (field.count !== undefined && !isVec) {
        throw new Error(`inferdb internal: uniform array ${field.name} must be of vec4`);
      }
      const align = isVec ? 16 : 4;
      offset = Math.ceil(offset / align) * align;
      const length = isVec ? 4 * (field.count ?? 1) : 1;
      const scalar = (isVec ? field.type.slice(5, 8) : field.type) as UniformScalar;
      placed.push({ field, offset, length, scalar });
      offset += 4 * length;
    }
    this.byteLength = Math.max(16, Math.ceil(offset / 16) * 16);
    this.#fields = placed;
    const members = fields.map((f) =>
      `  ${f.name}: ${f.count === undefined ? f.type : `array<${f.type}, ${f.count}>`},`
    );
    this.wgsl = `struct Uniforms {\n${members.join("\n")}\n};\n` +
      `@group(0) @binding(${binding}) var<uniform> u: Uniforms;\n`;
  }

  /** Writes `values` at `byteOffset` of `target` (a fresh buffer when omitted). */
  pack(values: UniformValues, target?: DataView, byteOffset = 0): DataView {
    const view = target ?? new DataView(new ArrayBuffer(this.byteLength));
    for (const { field, offset, length, scalar } of this.#fields) {
      const value = values[field.name];
      if (value === undefined) throw new Error(`inferdb internal: uniform ${field.name} missing`);
      const list = typeof value === "number" ? [value] : value;
      if (list.length > length) {
        throw new Error(`inferdb internal: uniform ${field.name} holds ${length} values`);
      }
      for (let i = 0; i < length; i++) {
        const at = byteOffset + offset + 4 * i;
        const item = list[i] ?? 0;
        if (scalar === "f32") view.setFloat32(at, item, true);
        else if (scalar === "i32") view.setInt32(at, item, true);
        else view.setUint32(at, item, true);
      }
    }
    return view;
  }
}
