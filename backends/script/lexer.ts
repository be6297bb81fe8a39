/**
 * The script lexer: Python's token rules for the TorchScript subset. It produces NAME, INT,
 * FLOAT, STRING, OP, NEWLINE, INDENT, DEDENT and EOF tokens with source offsets. Comments and
 * blank lines vanish, newlines inside brackets and after a backslash join lines, and string
 * escapes are decoded. Indentation must dedent to a level seen before.
 *
 * Limits: a source longer than `SOURCE_CHARS_MAX` or nested deeper than `NESTING_MAX` is
 * refused here, so the recursive parser never sees input that could exhaust the stack.
 */
import { ScriptError } from "./source_error.ts";

export type TokenKind =
  | "name"
  | "int"
  | "float"
  | "string"
  | "op"
  | "newline"
  | "indent"
  | "dedent"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The source text (names, operators) or the decoded string / number text. */
  readonly text: string;
  /** Numeric value of INT and FLOAT tokens. */
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

export const SOURCE_CHARS_MAX = 4 * 1024 * 1024;
export const NESTING_MAX = 100;

/** Operators, longest first so that `**=` wins over `**` and `*`. */
const OPERATORS = (
  "**= //= >>= <<= ... -> ** // == != <= >= += -= *= /= %= &= |= ^= @= << >> " +
  "+ - * / % @ < > = ( ) [ ] { } , : . ; & | ^ ~"
).split(" ");

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\n": "",
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** Splits `source` into tokens; throws `ScriptError` at the first bad character. */
export function tokenize(source: string): Token[] {
  if (source.length > SOURCE_CHARS_MAX) {
    throw new ScriptError(`script source is longer than ${SOURCE_CHARS_MAX} characters`, {
      start: 0,
      end: 1,
    });
  }
  return new Lexer(source).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  private readonly indents = [0];
  private readonly brackets: number[] = [];
  private atLineStart = true;

  constructor(private readonly src: string) {}

  run(): Token[] {
    while (this.pos < this.src.length) {
      if (this.atLineStart && this.brackets.length === 0) {
        this.indentation();
        continue;
      }
      this.next();
    }
    const end = this.src.length;
    if (this.brackets.length > 0) {
      const open = this.brackets[this.brackets.length - 1] ?? 0;
      throw new ScriptError("unclosed bracket", { start: open, end: open + 1 });
    }
    if (!this.atLineStart) this.push("newline", "", end, end);
    while (this.indents.length > 1) {
      this.indents.pop();
      this.push("dedent", "", end, end);
    }
    this.push("eof", "", end, end);
    return this.tokens;
  }

  private push(kind: TokenKind, text: string, start: number, end: number, value = 0): void {
    this.tokens.push({ kind, text, value, start, end });
  }

  /** Measures the indentation of a logical line; blank and comment lines are skipped. */
  private indentation(): void {
    const src = this.src;
    let col = 0;
    let i = this.pos;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === " ") col++;
      else if (c === "\t") col = (Math.floor(col / 8) + 1) * 8;
      else if (c === "\f") col = 0;
      else break;
    }
    const c = src[i];
    if (c === undefined || c === "\n" || c === "\r" || c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      this.pos = i + 1;
      return;
    }
    this.pos = i;
    this.atLineStart = false;
    const top = this.indents[this.indents.length - 1] ?? 0;
    if (col > top) {
      this.indents.push(col);
      this.push("indent", "", i, i);
      return;
    }
    while (col < (this.indents[this.indents.length - 1] ?? 0)) {
      this.indents.pop();
      this.push("dedent", "", i, i);
    }
    if (col !== this.indents[this.indents.length - 1]) {
      throw new ScriptError("unindent does not match any outer indentation level", {
        start: i,
        end: i + 1,
      });
    }
  }

  private next(): void {
    const src = this.src;
    const start = this.pos;
    const c = src[start] as string;
    if (c === " " || c === "\t" || c === "\f" || c === "\r") {
      this.pos++;
    } else if (c === "#") {
      while (this.pos < src.length && src[this.pos] !== "\n") this.pos++;
    } else if (c === "\n") {
      this.pos++;
      if (this.brackets.length === 0) {
        this.push("newline", "", start, start + 1);
        this.atLineStart = true;
      }
    } else if (c === "\\" && (src[start + 1] === "\n" || src.startsWith("\r\n", start + 1))) {
      this.pos += src[start + 1] === "\n" ? 2 : 3;
    } else if (isDigit(c) || (c === "." && isDigit(src[start + 1] ?? ""))) {
      this.number();
    } else if (isNameStart(c)) {
      this.nameOrString();
    } else if (c === '"' || c === "'") {
      this.string(start, "");
    } else {
      this.operator();
    }
  }

  private nameOrString(): void {
    const src = this.src;
    const start = this.pos;
    while (this.pos < src.length && isNameChar(src[this.pos] as string)) this.pos++;
    const text = src.slice(start, this.pos);
    const quote = src[this.pos];
    if ((quote === '"' || quote === "'") && /^[rRbBuUfF]{1,2}$/.test(text)) {
      if (/[fF]/.test(text)) {
        throw new ScriptError("f-strings are not supported", { start, end: this.pos });
      }
      if (/[bB]/.test(text)) {
        throw new ScriptError("bytes literals are not supported", { start, end: this.pos });
      }
      this.string(start, text);
      return;
    }
    this.push("name", text, start, this.pos);
  }

  private number(): void {
    const src = this.src;
    const start = this.pos;
    const rest = src.slice(start, start + 400);
    const radix = /^0([xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)/.exec(rest);
    const decimal = /^(\d[\d_]*)?(\.[\d_]*)?([eE][+-]?\d[\d_]*)?/.exec(rest);
    let text: string;
    let kind: TokenKind;
    let value: number;
    if (radix !== null) {
      text = radix[0];
      kind = "int";
      const base = { x: 16, o: 8, b: 2 }[text[1]?.toLowerCase() as "x" | "o" | "b"];
      value = parseInt(text.slice(2).replaceAll("_", ""), base);
    } else {
      text = decimal?.[0] ?? "";
      kind = decimal?.[2] !== undefined || decimal?.[3] !== undefined ? "float" : "int";
      value = Number(text.replaceAll("_", ""));
      if (kind === "int" && text.length > 1 && text.startsWith("0") && value !== 0) {
        throw new ScriptError("leading zeros in decimal integer literals are not permitted", {
          start,
          end: start + text.length,
        });
      }
    }
    this.pos = start + text.length;
    if (isNameChar(src[this.pos] ?? "") || !Number.isFinite(value)) {
      throw new ScriptError("invalid number literal", { start, end: this.pos + 1 });
    }
    this.push(kind, text, start, this.pos, value);
  }

  private string(start: number, prefix: string): void {
    const src = this.src;
    const quote = src[this.pos] as string;
    const triple = src.startsWith(quote.repeat(3), this.pos);
    const delimiter = triple ? quote.repeat(3) : quote;
    const raw = /[rR]/.test(prefix);
    this.pos += delimiter.length;
    let out = "";
    for (;;) {
      const c = src[this.pos];
      if (c === undefined || (!triple && c === "\n")) {
        throw new ScriptError("unterminated string literal", { start, end: start + 1 });
      }
      if (src.startsWith(delimiter, this.pos)) {
        this.pos += delimiter.length;
        break;
      }
      if (c === "\\") {
        out += raw ? this.rawEscape() : this.escape();
        continue;
      }
      out += c;
      this.pos++;
    }
    this.push("string", out, start, this.pos);
  }

  private rawEscape(): string {
    const pair = this.src.slice(this.pos, this.pos + 2);
    this.pos += pair.length;
    return pair;
  }

  private escape(): string {
    const src = this.src;
    const at = this.pos;
    const c = src[at + 1] ?? "";
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    const hex = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    if (hex > 0) {
      const digits = src.slice(at + 2, at + 2 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
        throw new ScriptError(`truncated \\${c} escape`, { start: at, end: at + 2 });
      }
      this.pos = at + 2 + hex;
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) {
        throw new ScriptError("illegal Unicode character", { start: at, end: at + 2 });
      }
      return String.fromCodePoint(code);
    }
    const octal = /^[0-7]{1,3}/.exec(src.slice(at + 1, at + 4));
    if (octal !== null) {
      this.pos = at + 1 + octal[0].length;
      return String.fromCharCode(parseInt(octal[0], 8));
    }
    this.pos = at + 1;
    return "\\";
  }

  private operator(): void {
    const src = this.src;
    const start = this.pos;
    const op = OPERATORS.find((o) => src.startsWith(o, start));
    if (op === undefined) {
      throw new ScriptError(`invalid character '${src[start]}'`, { start, end: start + 1 });
    }
    this.pos += op.length;
    if (op === "(" || op === "[" || op === "{") {
      if (this.brackets.length >= NESTING_MAX) {
        throw new ScriptError(`brackets nested deeper than ${NESTING_MAX}`, {
          start,
          end: start + 1,
        });
      }
      this.brackets.push(start);
    } else if (op === ")" || op === "]" || op === "}") {
      const open = this.brackets.pop();
      const pair = open === undefined ? undefined : src[open];
      if (pair !== { ")": "(", "]": "[", "}": "{" }[op]) {
        throw new ScriptError(`unmatched '${op}'`, { start, end: start + 1 });
      }
    }
    this.push("op", op, start, this.pos);
  }
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isNameStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c > "\x7f";
}

function isNameChar(c: string): boolean {
  return isNameStart(c) || isDigit(c);
}
