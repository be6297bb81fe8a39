/**
 * The expression half of the parser: Python's precedence climbing from conditional
 * expressions down to atoms, calls with keyword arguments, subscripts with slices, list
 * displays and comprehensions, over a `TokenStream`; `Parser` extends this class.
 *
 * Recursion is bounded: every nested expression level counts against the stream's depth
 * limit, so a pathological source fails with a syntax error instead of overflowing the stack.
 */
import type { BinaryOp, CompareOp, Expr } from "./ast.ts";
import { AtomParser } from "./parser_atoms.ts";
import { spanOf } from "./token_stream.ts";

const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ["|"],
  ["^"],
  ["&"],
  ["<<", ">>"],
  ["+", "-"],
  ["*", "/", "//", "%", "@"],
];

const COMPARE_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

export class ExprParser extends AtomParser {
  /** `a, b, c` without brackets (a tuple when there is a comma). */
  protected testList(): Expr {
    const first = this.test();
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.acceptOp(",")) {
      if (this.atListEnd()) break;
      elts.push(this.test());
    }
    return { k: "tuple", elts, span: spanOf(first.span, this.prevEnd()) };
  }

  /** Targets of `for` and comprehensions: stops before `in`. */
  protected targetList(): Expr {
    const first = this.binary(0);
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.acceptOp(",") && !this.isKeyword("in")) elts.push(this.binary(0));
    return { k: "tuple", elts, span: spanOf(first.span, this.prevEnd()) };
  }

  protected test(): Expr {
    const t = this.peek();
    this.enter(t);
    const body = this.orTest();
    let out = body;
    if (this.isKeyword("if")) {
      this.advance();
      const test = this.orTest();
      this.expectKeyword("else");
      const orelse = this.test();
      out = { k: "ifexp", test, body, orelse, span: spanOf(body.span, orelse.span.end) };
    }
    this.leave();
    return out;
  }

  protected orTest(): Expr {
    return this.boolChain("or", () => this.andTest());
  }

  private andTest(): Expr {
    return this.boolChain("and", () => this.notTest());
  }

  private boolChain(op: "and" | "or", operand: () => Expr): Expr {
    const first = operand();
    if (!this.isKeyword(op)) return first;
    const values = [first];
    while (this.isKeyword(op)) {
      this.advance();
      values.push(operand());
    }
    const last = values[values.length - 1] ?? first;
    return { k: "bool", op, values, span: spanOf(first.span, last.span.end) };
  }

  private notTest(): Expr {
    if (!this.isKeyword("not")) return this.comparison();
    const t = this.advance();
    this.enter(t);
    const operand = this.notTest();
    this.leave();
    return { k: "unary", op: "not", operand, span: spanOf(t, operand.span.end) };
  }

  private comparison(): Expr {
    const left = this.binary(0);
    const ops: CompareOp[] = [];
    const rights: Expr[] = [];
    for (;;) {
      const op = this.compareOp();
      if (op === undefined) break;
      ops.push(op);
      rights.push(this.binary(0));
    }
    if (ops.length === 0) return left;
    const last = rights[rights.length - 1] ?? left;
    return { k: "compare", left, ops, rights, span: spanOf(left.span, last.span.end) };
  }

  private compareOp(): CompareOp | undefined {
    const t = this.peek();
    if (t.kind === "op" && COMPARE_OPS.has(t.text)) {
      this.advance();
      return t.text as CompareOp;
    }
    if (this.isKeyword("in")) {
      this.advance();
      return "in";
    }
    if (this.isKeyword("not") && this.peek(1).kind === "name" && this.peek(1).text === "in") {
      this.advance();
      this.advance();
      return "not in";
    }
    if (this.isKeyword("is")) {
      this.advance();
      if (!this.isKeyword("not")) return "is";
      this.advance();
      return "is not";
    }
    return undefined;
  }

  private binary(level: number): Expr {
    const ops = BINARY_LEVELS[level];
    if (ops === undefined) return this.factor();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || !ops.includes(t.text as BinaryOp)) return left;
      this.advance();
      const right = this.binary(level + 1);
      left = {
        k: "binary",
        op: t.text as BinaryOp,
        left,
        right,
        span: spanOf(left.span, right.span.end),
      };
    }
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.kind === "op" && (t.text === "-" || t.text === "+" || t.text === "~")) {
      this.advance();
      this.enter(t);
      const operand = this.factor();
      this.leave();
      return { k: "unary", op: t.text, operand, span: spanOf(t, operand.span.end) };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.atomExpr();
    if (!this.isOp("**")) return base;
    this.advance();
    const exponent = this.factor();
    return {
      k: "binary",
      op: "**",
      left: base,
      right: exponent,
      span: spanOf(base.span, exponent.span.end),
    };
  }

  private atListEnd(): boolean {
    const t = this.peek();
    return t.kind === "newline" ||
      (t.kind === "op" && (t.text === "=" || t.text === ";" || t.text === ":"));
  }
}
