/**
 * The parser's view of the token list: a cursor with lookahead, expectations that fail with
 * TorchScript's wording (`expected def but found 'return'`, tokens described the way its
 * lexer names them), and the nesting counter that bounds recursion (`DEPTH_MAX`).
 */
import type { Token } from "./lexer.ts";
import { ScriptError, Span } from "./source_error.ts";

const DEPTH_MAX = 200;

const KEYWORDS = new Set(
  ("False None True and as assert break class continue def del elif else except finally for " +
    "from global if import in is lambda nonlocal not or pass raise return try while with yield")
    .split(" "),
);

export class TokenStream {
  private index = 0;
  private depth = 0;
  protected readonly sourceText: string;

  constructor(private readonly tokens: readonly Token[], source: string) {
    this.sourceText = source;
  }

  protected peek(offset = 0): Token {
    const t = this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
    if (t === undefined) throw new Error("inferdb internal: empty token stream");
    return t;
  }

  protected advance(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  protected prevEnd(): number {
    return this.tokens[this.index - 1]?.end ?? 0;
  }

  protected isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.text === text;
  }

  protected isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === "name" && t.text === word;
  }

  protected acceptOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.advance();
    return true;
  }

  protected expectOp(text: string): Token {
    const t = this.peek();
    if (!this.isOp(text)) this.fail(`expected '${text}' but found '${this.describe(t)}'`, t);
    return this.advance();
  }

  protected expectKeyword(word: string): Token {
    const t = this.peek();
    if (!this.isKeyword(word)) this.fail(`expected ${word} but found '${this.describe(t)}'`, t);
    return this.advance();
  }

  protected identifier(): string {
    const t = this.peek();
    if (t.kind !== "name" || KEYWORDS.has(t.text)) {
      this.fail(`expected ident but found '${this.describe(t)}'`, t);
    }
    return this.advance().text;
  }

  /** How TorchScript's lexer names a token in "expected X but found Y". */
  protected describe(t: Token): string {
    switch (t.kind) {
      case "name":
        return KEYWORDS.has(t.text) ? t.text : "ident";
      case "int":
      case "float":
        return "number";
      case "string":
        return "string";
      case "op":
        return t.text;
      default:
        return t.kind;
    }
  }

  protected fail(message: string, t: Token): never {
    throw new ScriptError(message, { start: t.start, end: Math.max(t.end, t.start + 1) });
  }

  protected enter(t: Token): void {
    if (++this.depth > DEPTH_MAX) this.fail("expression or block nested too deeply", t);
  }

  protected leave(): void {
    this.depth--;
  }
}

/** A span from `from`'s start to `end`. */
export function spanOf(from: Span, end: number): Span {
  return { start: from.start, end };
}
