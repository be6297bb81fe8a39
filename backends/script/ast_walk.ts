/**
 * Shallow walkers over the script AST: the direct sub-expressions of an expression, and the
 * expressions a statement holds itself (nested blocks are the caller's business).
 */
import type { Expr, Stmt } from "./ast.ts";

/** Calls `visit` on each direct sub-expression of `e`. */
export function forEachChild(e: Expr, visit: (c: Expr) => void): void {
  switch (e.k) {
    case "list":
    case "tuple":
      e.elts.forEach(visit);
      return;
    case "listcomp":
      for (const g of e.gens) {
        visit(g.iter);
        visit(g.target);
        g.ifs.forEach(visit);
      }
      visit(e.elt);
      return;
    case "unary":
      return visit(e.operand);
    case "binary":
      visit(e.left);
      return visit(e.right);
    case "bool":
      e.values.forEach(visit);
      return;
    case "compare":
      visit(e.left);
      e.rights.forEach(visit);
      return;
    case "ifexp":
      visit(e.test);
      visit(e.body);
      return visit(e.orelse);
    case "attr":
      return visit(e.value);
    case "subscript":
      visit(e.value);
      return visit(e.index);
    case "slice":
      for (const part of [e.lower, e.upper, e.step]) if (part !== undefined) visit(part);
      return;
    case "call":
      visit(e.func);
      e.args.forEach(visit);
      e.keywords.forEach((k) => visit(k.value));
      return;
  }
}

/** Calls `visit` on the expressions a statement holds directly (not its nested blocks). */
export function forEachStmtExpr(s: Stmt, visit: (e: Expr) => void): void {
  switch (s.k) {
    case "expr":
      return visit(s.value);
    case "assign":
      visit(s.value);
      s.targets.forEach(visit);
      return;
    case "annassign":
      visit(s.target);
      if (s.value !== undefined) visit(s.value);
      return;
    case "augassign":
      visit(s.target);
      return visit(s.value);
    case "return":
    case "raise":
      {
        const v = s.k === "return" ? s.value : s.exc;
        if (v !== undefined) visit(v);
      }
      return;
    case "if":
    case "while":
      return visit(s.test);
    case "for":
      visit(s.iter);
      return visit(s.target);
    case "assert":
      visit(s.test);
      if (s.msg !== undefined) visit(s.msg);
      return;
  }
}
