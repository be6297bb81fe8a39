/**
 * The innermost level of the expression parser: atoms (names, literals, parenthesized
 * expressions, tuples, list displays and comprehensions) and their trailers (attributes,
 * calls with keyword arguments, subscripts with slices). The precedence levels above them
 * live in `ExprParser`, which extends this class and supplies `test`, `orTest` and
 * `targetList`.
 */
import type { Comprehension, Constant, Expr, Keyword } from "./ast.ts";
import { textToKey } from "../../core/keys.ts";
import type { Token } from "./lexer.ts";
import type { Span } from "./source_error.ts";
import { spanOf, TokenStream } from "./token_stream.ts";

export abstract class AtomParser extends TokenStream {
  protected abstract test(): Expr;
  protected abstract orTest(): Expr;
  protected abstract targetList(): Expr;

  protected atomExpr(): Expr {
    let e = this.atom();
    for (;;) {
      if (this.acceptOp(".")) {
        const name = this.identifier();
        e = { k: "attr", value: e, name, span: spanOf(e.span, this.prevEnd()) };
      } else if (this.isOp("(")) {
        e = this.call(e);
      } else if (this.isOp("[")) {
        const t = this.advance();
        this.enter(t);
        const index = this.subscriptList();
        this.leave();
        this.expectOp("]");
        e = { k: "subscript", value: e, index, span: spanOf(e.span, this.prevEnd()) };
      } else {
        return e;
      }
    }
  }

  private call(func: Expr): Expr {
    const open = this.advance();
    this.enter(open);
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.isOp(")")) {
      const t = this.peek();
      if (this.isOp("*") || this.isOp("**")) this.fail("argument unpacking is not supported", t);
      if (t.kind === "name" && this.peek(1).kind === "op" && this.peek(1).text === "=") {
        this.advance();
        this.advance();
        const value = this.test();
        keywords.push({ name: t.text, value, span: spanOf(t, value.span.end) });
      } else {
        if (keywords.length > 0) this.fail("positional argument follows keyword argument", t);
        const arg = this.test();
        args.push(this.isKeyword("for") ? this.comprehension(arg, t) : arg);
      }
      if (!this.acceptOp(",")) break;
    }
    this.expectOp(")");
    this.leave();
    return { k: "call", func, args, keywords, span: spanOf(func.span, this.prevEnd()) };
  }

  private subscriptList(): Expr {
    const first = this.subscript();
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.acceptOp(",")) {
      if (this.isOp("]")) break;
      elts.push(this.subscript());
    }
    return { k: "tuple", elts, span: spanOf(first.span, this.prevEnd()) };
  }

  private subscript(): Expr {
    const t = this.peek();
    const lower = this.isOp(":") ? undefined : this.test();
    if (!this.isOp(":")) return lower ?? this.fail("expected an index", t);
    this.advance();
    const upper = this.isOp(":") || this.isOp("]") || this.isOp(",") ? undefined : this.test();
    let step: Expr | undefined;
    if (this.acceptOp(":") && !this.isOp("]") && !this.isOp(",")) step = this.test();
    return { k: "slice", lower, upper, step, span: spanOf(t, this.prevEnd()) };
  }

  private atom(): Expr {
    const t = this.peek();
    const span: Span = { start: t.start, end: t.end };
    switch (t.kind) {
      case "int":
      case "float":
        this.advance();
        return { k: "const", value: { type: t.kind, value: t.value }, span };
      case "string":
        return this.strings();
      case "name":
        return this.nameAtom(t);
      case "op":
        if (t.text === "(") return this.parenthesized();
        if (t.text === "[") return this.listDisplay();
        if (t.text === "...") {
          this.advance();
          return { k: "const", value: { type: "ellipsis" }, span };
        }
        if (t.text === "{") this.fail("dict and set literals are not supported", t);
    }
    return this.fail(`expected an expression but found '${this.describe(t)}'`, t);
  }

  private nameAtom(t: Token): Expr {
    const constants: Record<string, Constant> = {
      None: { type: "none" },
      True: { type: "bool", value: true },
      False: { type: "bool", value: false },
    };
    const constant = constants[t.text];
    if (constant !== undefined) {
      this.advance();
      return { k: "const", value: constant, span: spanOf(t, t.end) };
    }
    return { k: "name", id: this.identifier(), span: spanOf(t, t.end), slot: -1 };
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): Expr {
    const first = this.peek();
    let value = "";
    while (this.peek().kind === "string") value += this.advance().text;
    // Script strings are byte strings (TorchScript's std::string): keep the UTF-8 bytes.
    return {
      k: "const",
      value: { type: "str", value: textToKey(value) },
      span: spanOf(first, this.prevEnd()),
    };
  }

  private parenthesized(): Expr {
    const open = this.advance();
    this.enter(open);
    if (this.acceptOp(")")) {
      this.leave();
      return { k: "tuple", elts: [], span: spanOf(open, this.prevEnd()) };
    }
    const first = this.test();
    let out: Expr = first;
    if (this.isKeyword("for")) {
      out = this.comprehension(first, open);
    } else if (this.isOp(",")) {
      const elts = [first];
      while (this.acceptOp(",") && !this.isOp(")")) elts.push(this.test());
      out = { k: "tuple", elts, span: spanOf(open, this.peek().end) };
    }
    this.expectOp(")");
    this.leave();
    return out;
  }

  private listDisplay(): Expr {
    const open = this.advance();
    this.enter(open);
    const elts: Expr[] = [];
    let out: Expr | undefined;
    while (!this.isOp("]")) {
      const e = this.test();
      if (elts.length === 0 && this.isKeyword("for")) {
        out = this.comprehension(e, open);
        break;
      }
      elts.push(e);
      if (!this.acceptOp(",")) break;
    }
    this.expectOp("]");
    this.leave();
    return out ?? { k: "list", elts, span: spanOf(open, this.prevEnd()) };
  }

  /** `elt for x in xs if c ...` (generator expressions are evaluated as lists). */
  private comprehension(elt: Expr, open: Token): Expr {
    const gens: Comprehension[] = [];
    while (this.isKeyword("for")) {
      this.advance();
      const target = this.targetList();
      this.expectKeyword("in");
      const iter = this.orTest();
      const ifs: Expr[] = [];
      while (this.isKeyword("if")) {
        this.advance();
        ifs.push(this.orTest());
      }
      gens.push({ target, iter, ifs });
    }
    return { k: "listcomp", elt, gens, span: spanOf(open, this.prevEnd()) };
  }
}
