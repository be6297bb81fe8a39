/**
 * The script AST: what the parser produces and the interpreter walks. Nodes are plain data
 * tagged by `k`, each with the source span it came from. The resolver (`check.ts`) fills the
 * mutable `slot` of local names and `locals` of functions so the interpreter addresses a
 * frame by index; nothing else mutates a tree after parsing.
 *
 * The tree knows nothing about tensors or Redis: a TorchScript model archive's `code/` files
 * can be parsed into the same form and run by the same interpreter.
 */
import type { Span } from "./source_error.ts";

/** A type annotation: `Tensor`, `List[Tensor]`, `Optional[int]`, `Tuple[Tensor, Tensor]`. */
export interface TypeExpr {
  readonly name: string;
  readonly args: readonly TypeExpr[];
  readonly span: Span;
}

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "//"
  | "%"
  | "**"
  | "@"
  | "&"
  | "|"
  | "^"
  | "<<"
  | ">>";
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "is" | "is not";
export type UnaryOp = "-" | "+" | "~" | "not";

/** A literal: `int` and `float` are told apart because Python (and torch.tensor) do. */
export type Constant =
  | { readonly type: "int"; readonly value: number }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "str"; readonly value: string }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "none" }
  | { readonly type: "ellipsis" };

export interface Keyword {
  readonly name: string;
  readonly value: Expr;
  readonly span: Span;
}

export interface Comprehension {
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: readonly Expr[];
}

export type Expr =
  | { readonly k: "name"; readonly id: string; readonly span: Span; slot: number }
  | { readonly k: "const"; readonly value: Constant; readonly span: Span }
  | { readonly k: "list"; readonly elts: readonly Expr[]; readonly span: Span }
  | { readonly k: "tuple"; readonly elts: readonly Expr[]; readonly span: Span }
  | {
    readonly k: "listcomp";
    readonly elt: Expr;
    readonly gens: readonly Comprehension[];
    readonly span: Span;
  }
  | { readonly k: "unary"; readonly op: UnaryOp; readonly operand: Expr; readonly span: Span }
  | {
    readonly k: "binary";
    readonly op: BinaryOp;
    readonly left: Expr;
    readonly right: Expr;
    readonly span: Span;
  }
  | {
    readonly k: "bool";
    readonly op: "and" | "or";
    readonly values: readonly Expr[];
    readonly span: Span;
  }
  | {
    readonly k: "compare";
    readonly left: Expr;
    readonly ops: readonly CompareOp[];
    readonly rights: readonly Expr[];
    readonly span: Span;
  }
  | {
    readonly k: "ifexp";
    readonly test: Expr;
    readonly body: Expr;
    readonly orelse: Expr;
    readonly span: Span;
  }
  | { readonly k: "attr"; readonly value: Expr; readonly name: string; readonly span: Span }
  | { readonly k: "subscript"; readonly value: Expr; readonly index: Expr; readonly span: Span }
  | {
    readonly k: "slice";
    readonly lower: Expr | undefined;
    readonly upper: Expr | undefined;
    readonly step: Expr | undefined;
    readonly span: Span;
  }
  | {
    readonly k: "call";
    readonly func: Expr;
    readonly args: readonly Expr[];
    readonly keywords: readonly Keyword[];
    readonly span: Span;
  };

export type Stmt =
  | { readonly k: "expr"; readonly value: Expr; readonly span: Span }
  | {
    readonly k: "assign";
    readonly targets: readonly Expr[];
    readonly value: Expr;
    readonly span: Span;
  }
  | {
    readonly k: "annassign";
    readonly target: Expr;
    readonly annotation: TypeExpr;
    readonly value: Expr | undefined;
    readonly span: Span;
  }
  | {
    readonly k: "augassign";
    readonly target: Expr;
    readonly op: BinaryOp;
    readonly value: Expr;
    readonly span: Span;
  }
  | { readonly k: "return"; readonly value: Expr | undefined; readonly span: Span }
  | {
    readonly k: "if";
    readonly test: Expr;
    readonly body: readonly Stmt[];
    readonly orelse: readonly Stmt[];
    readonly span: Span;
  }
  | {
    readonly k: "for";
    readonly target: Expr;
    readonly iter: Expr;
    readonly body: readonly Stmt[];
    readonly span: Span;
  }
  | {
    readonly k: "while";
    readonly test: Expr;
    readonly body: readonly Stmt[];
    readonly span: Span;
  }
  | { readonly k: "break"; readonly span: Span }
  | { readonly k: "continue"; readonly span: Span }
  | { readonly k: "pass"; readonly span: Span }
  | {
    readonly k: "assert";
    readonly test: Expr;
    readonly msg: Expr | undefined;
    readonly span: Span;
  }
  | { readonly k: "raise"; readonly exc: Expr | undefined; readonly span: Span };

export interface Param {
  readonly name: string;
  /** `undefined` means untyped, which TorchScript reads as `Tensor`. */
  readonly annotation: TypeExpr | undefined;
  readonly default: Expr | undefined;
  readonly span: Span;
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly Param[];
  readonly returns: TypeExpr | undefined;
  readonly body: readonly Stmt[];
  readonly span: Span;
  /** Local variable names; parameters first. Filled by the resolver. */
  locals: string[];
}

export interface Module {
  readonly source: string;
  readonly functions: readonly FunctionDef[];
}
