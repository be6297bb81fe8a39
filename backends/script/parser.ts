/**
 * The statement-level parser: a module is a sequence of `def`s; function bodies are blocks of
 * Python statements from the TorchScript subset. Expressions are parsed by `ExprParser`, which
 * this class extends. Errors are `ScriptError`s worded as TorchScript words them
 * (`expected def but found 'return'`), pointing at the offending token.
 */
import type { BinaryOp, Expr, FunctionDef, Module, Param, Stmt, TypeExpr } from "./ast.ts";
import { ExprParser } from "./parser_expr.ts";
import { tokenize } from "./lexer.ts";
import { ScriptError, Span } from "./source_error.ts";

const AUG_OPS = new Set([
  "+=",
  "-=",
  "*=",
  "/=",
  "//=",
  "%=",
  "**=",
  "@=",
  "&=",
  "|=",
  "^=",
  "<<=",
  ">>=",
]);

/** Parses a whole script; throws `ScriptError` on the first syntax error. */
export function parseModule(source: string): Module {
  return new Parser(source).module();
}

class Parser extends ExprParser {
  constructor(source: string) {
    super(tokenize(source), source);
  }

  module(): Module {
    const functions: FunctionDef[] = [];
    const source = this.sourceText;
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") break;
      if (t.kind === "newline") {
        this.advance();
        continue;
      }
      if (!this.isKeyword("def")) this.fail(`expected def but found '${this.describe(t)}'`, t);
      functions.push(this.funcdef());
    }
    return { source, functions };
  }

  private funcdef(): FunctionDef {
    const start = this.advance().start;
    const name = this.identifier();
    this.expectOp("(");
    const params: Param[] = [];
    while (!this.isOp(")")) {
      const t = this.peek();
      if (this.isOp("*")) this.fail("variadic parameters are not supported", t);
      const pname = this.identifier();
      const annotation = this.acceptOp(":") ? this.typeExpr() : undefined;
      const def = this.acceptOp("=") ? this.test() : undefined;
      params.push({ name: pname, annotation, default: def, span: { start: t.start, end: t.end } });
      if (!this.acceptOp(",")) break;
    }
    this.expectOp(")");
    const returns = this.acceptOp("->") ? this.typeExpr() : undefined;
    const headerEnd = this.expectOp(":").end;
    const body = this.block();
    return { name, params, returns, body, span: { start, end: headerEnd }, locals: [] };
  }

  private typeExpr(): TypeExpr {
    const t = this.peek();
    let name = this.identifier();
    while (this.acceptOp(".")) name += "." + this.identifier();
    const args: TypeExpr[] = [];
    if (this.acceptOp("[")) {
      do {
        if (this.isOp("]")) break;
        args.push(this.typeExpr());
      } while (this.acceptOp(","));
      this.expectOp("]");
    }
    return { name, args, span: { start: t.start, end: this.prevEnd() } };
  }

  /** An indented block, or simple statements on the same line after the colon. */
  private block(): Stmt[] {
    if (this.peek().kind !== "newline") return this.simpleStatements();
    this.advance();
    const indent = this.peek();
    if (indent.kind !== "indent") {
      this.fail(`expected indent but found '${this.describe(indent)}'`, indent);
    }
    this.advance();
    this.enter(indent);
    const body: Stmt[] = [];
    while (this.peek().kind !== "dedent") body.push(...this.statement());
    this.advance();
    this.leave();
    return body;
  }

  private statement(): Stmt[] {
    if (this.isKeyword("if")) return [this.ifStatement()];
    if (this.isKeyword("for")) return [this.forStatement()];
    if (this.isKeyword("while")) {
      const start = this.advance().start;
      const test = this.test();
      this.expectOp(":");
      return [{ k: "while", test, body: this.block(), span: { start, end: test.span.end } }];
    }
    const t = this.peek();
    for (const kw of ["def", "class", "try", "with", "import", "from", "global", "lambda", "del"]) {
      if (this.isKeyword(kw)) this.fail(`'${kw}' statements are not supported in scripts`, t);
    }
    return this.simpleStatements();
  }

  private ifStatement(): Stmt {
    const start = this.advance().start;
    const test = this.test();
    this.expectOp(":");
    const body = this.block();
    let orelse: Stmt[] = [];
    if (this.isKeyword("elif")) orelse = [this.ifStatement()];
    else if (this.isKeyword("else")) {
      this.advance();
      this.expectOp(":");
      orelse = this.block();
    }
    return { k: "if", test, body, orelse, span: { start, end: test.span.end } };
  }

  private forStatement(): Stmt {
    const start = this.advance().start;
    const target = this.targetList();
    this.expectKeyword("in");
    const iter = this.testList();
    this.expectOp(":");
    return { k: "for", target, iter, body: this.block(), span: { start, end: iter.span.end } };
  }

  /** `a; b; c` NEWLINE. */
  private simpleStatements(): Stmt[] {
    const out: Stmt[] = [this.simpleStatement()];
    while (this.acceptOp(";")) {
      if (this.peek().kind === "newline") break;
      out.push(this.simpleStatement());
    }
    const t = this.peek();
    if (t.kind !== "newline") this.fail(`expected newline but found '${this.describe(t)}'`, t);
    this.advance();
    return out;
  }

  private simpleStatement(): Stmt {
    const t = this.peek();
    const span = { start: t.start, end: t.end };
    for (const k of ["pass", "break", "continue"] as const) {
      if (!this.isKeyword(k)) continue;
      this.advance();
      return { k, span };
    }
    if (this.isKeyword("return")) {
      this.advance();
      return { k: "return", value: this.atStatementEnd() ? undefined : this.testList(), span };
    }
    if (this.isKeyword("raise")) {
      this.advance();
      return { k: "raise", exc: this.atStatementEnd() ? undefined : this.test(), span };
    }
    if (this.isKeyword("assert")) {
      this.advance();
      const test = this.test();
      const msg = this.acceptOp(",") ? this.test() : undefined;
      return { k: "assert", test, msg, span: { start: t.start, end: test.span.end } };
    }
    return this.expressionStatement();
  }

  private expressionStatement(): Stmt {
    const first = this.testList();
    const span: Span = first.span;
    const op = this.peek();
    if (op.kind === "op" && AUG_OPS.has(op.text)) {
      this.advance();
      this.checkTarget(first, false);
      const value = this.testList();
      return { k: "augassign", target: first, op: op.text.slice(0, -1) as BinaryOp, value, span };
    }
    if (this.isOp(":")) {
      this.advance();
      if (first.k !== "name") this.fail("only single names can be annotated", op);
      const annotation = this.typeExpr();
      const value = this.acceptOp("=") ? this.testList() : undefined;
      return { k: "annassign", target: first, annotation, value, span };
    }
    if (!this.isOp("=")) return { k: "expr", value: first, span };
    const targets: Expr[] = [first];
    let value = first;
    while (this.acceptOp("=")) {
      value = this.testList();
      targets.push(value);
    }
    targets.pop();
    for (const target of targets) this.checkTarget(target, true);
    return { k: "assign", targets, value, span };
  }

  /** Assignment targets: names, subscripts, and (unless augmented) tuples and lists of them. */
  private checkTarget(e: Expr, allowTuple: boolean): void {
    if (e.k === "name" || e.k === "subscript") return;
    if ((e.k === "tuple" || e.k === "list") && allowTuple) {
      for (const elt of e.elts) this.checkTarget(elt, true);
      return;
    }
    throw new ScriptError(
      e.k === "attr" ? "attribute assignment is not supported" : "cannot assign to expression",
      e.span,
    );
  }

  private atStatementEnd(): boolean {
    const t = this.peek();
    return t.kind === "newline" || (t.kind === "op" && t.text === ";");
  }
}
