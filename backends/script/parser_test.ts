/** Unit tests for the script parser. */
import assert from "node:assert/strict";
import type { Expr, Stmt } from "./ast.ts";
import { parseModule } from "./parser.ts";
import { ScriptError } from "./source_error.ts";

function body(src: string): readonly Stmt[] {
  const fn = parseModule(src).functions[0];
  assert(fn !== undefined);
  return fn.body;
}

/** A compact rendering of an expression tree, for structural assertions. */
function show(e: Expr): string {
  switch (e.k) {
    case "name":
      return e.id;
    case "const":
      return "value" in e.value ? String(e.value.value) : e.value.type === "none" ? "None" : "...";
    case "binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "unary":
      return `(${e.op} ${show(e.operand)})`;
    case "compare":
      return `(${show(e.left)} ${
        e.ops.map((op, i) => `${op} ${show(e.rights[i] as Expr)}`).join(" ")
      })`;
    case "bool":
      return `(${e.values.map(show).join(` ${e.op} `)})`;
    case "call":
      return `${show(e.func)}(${
        [...e.args.map(show), ...e.keywords.map((k) => `${k.name}=${show(k.value)}`)].join(", ")
      })`;
    case "attr":
      return `${show(e.value)}.${e.name}`;
    case "subscript":
      return `${show(e.value)}[${show(e.index)}]`;
    case "slice":
      return [e.lower, e.upper, e.step].map((p) => (p === undefined ? "" : show(p))).join(":");
    case "tuple":
      return `(${e.elts.map(show).join(", ")},)`;
    case "list":
      return `[${e.elts.map(show).join(", ")}]`;
    case "listcomp":
      return `[${show(e.elt)} for ${
        e.gens.map((g) => `${show(g.target)} in ${show(g.iter)}`).join(" for ")
      }]`;
    case "ifexp":
      return `(${show(e.body)} if ${show(e.test)} else ${show(e.orelse)})`;
  }
}

function expr(src: string): string {
  const [s] = body(`def f(x):\n    return ${src}\n`);
  assert(s?.k === "return" && s.value !== undefined);
  return show(s.value);
}

Deno.test("parseModule() follows Python precedence", () => {
  assert.equal(expr("a + b * c ** -d"), "(a + (b * (c ** (- d))))");
  assert.equal(expr("-x ** 2"), "(- (x ** 2))");
  assert.equal(expr("not a < b < c and d or e"), "(((not (a < b < c)) and d) or e)");
  assert.equal(expr("a if b else c if d else e"), "(a if b else (c if d else e))");
  assert.equal(expr("x is not None and y not in z"), "((x is not None) and (y not in z))");
  assert.equal(expr("a & b | c ^ d"), "((a & b) | (c ^ d))");
});

Deno.test("parseModule() reads calls, keywords, subscripts and slices", () => {
  assert.equal(expr("torch.cat(l, dim=0)"), "torch.cat(l, dim=0)");
  assert.equal(
    expr("image.float().div(255)[:,:,:-1]"),
    "image.float().div(255)[(::, ::, :(- 1):,)]",
  );
  assert.equal(expr("x[::2, 1:, ..., None]"), "x[(::2, 1::, ..., None,)]");
  assert.equal(expr("output.max(1)[1] - 1"), "(output.max(1)[1] - 1)");
  assert.equal(expr("[v * 2 for v in xs if v]"), "[(v * 2) for v in xs]");
  assert.equal(expr("(1,)"), "(1,)");
  assert.equal(expr("()"), "(,)");
});

Deno.test("parseModule() reads statements", () => {
  const src = `def f(a, b: List[Tensor], c: int = 3) -> Tensor:
    """doc"""
    x, y = a, b
    mean[0], mean[1] = 0.485, 0.456
    s: float = 0.0
    s += 1; s -= 2
    for i in range(3):
        if i > 1:
            break
        elif i:
            continue
        else:
            pass
    while s < 10: s *= 2
    assert s, "msg"
    return
`;
  const fn = parseModule(src).functions[0];
  assert(fn !== undefined);
  assert.deepEqual(
    fn.params.map((
      p,
    ) => [p.name, p.annotation?.name, p.annotation?.args[0]?.name, p.default !== undefined]),
    [
      ["a", undefined, undefined, false],
      ["b", "List", "Tensor", false],
      ["c", "int", undefined, true],
    ],
  );
  assert.deepEqual(fn.body.map((s) => s.k), [
    "expr",
    "assign",
    "assign",
    "annassign",
    "augassign",
    "augassign",
    "for",
    "while",
    "assert",
    "return",
  ]);
});

Deno.test("parseModule() errors read like TorchScript's", () => {
  for (
    const [src, message, start] of [
      ["return 1", "expected def but found 'return'", 0],
      ["x = 1\n", "expected def but found 'ident'", 0],
      ["def f(x):\nreturn x\n", "expected indent but found 'return'", 10],
      ["def f(x):\n    return x +\n", "expected an expression but found 'newline'", 24],
      ["def f(x):\n    f(x) = 1\n", "cannot assign to expression", 14],
      ["def f(x):\n    x.y = 1\n", "attribute assignment is not supported", 14],
      ["def f(x):\n    import os\n", "'import' statements are not supported in scripts", 14],
      ["def f(x):\n    return {}\n", "dict and set literals are not supported", 21],
      ["def f(x):\n    return f(a=1, 2)\n", "positional argument follows keyword argument", 28],
    ] as const
  ) {
    assert.throws(() => parseModule(src), (e: unknown) => {
      assert(e instanceof ScriptError, src);
      assert.equal(e.message, message, src);
      assert.equal(e.span?.start, start, src);
      return true;
    });
  }
});

Deno.test("parseModule() bounds nesting depth", () => {
  const deep = "def f(x):\n    return " + "-".repeat(1000) + "x\n";
  assert.throws(() => parseModule(deep), /nested too deeply/);
});
