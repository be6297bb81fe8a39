/**
 * Methods of Python lists and strings that TorchScript supports and scripts use: list
 * `append`, `extend`, `insert`, `pop`, `remove`, `index`, `count`, `clear`, `reverse`,
 * `copy`; string `split`, `strip`, `lower`, `upper`, `startswith`, `endswith`, `join`,
 * `replace`, `find`, `isdigit` and `format` with `{}` fields. Growth is charged to the call's
 * memory budget.
 */
import { charge, opError } from "./ops/script_tensor.ts";
import { iterate, newList } from "./builtins.ts";
import { LIST_ITEM_BYTES } from "./limits.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import { Args, Builtin, builtinTable } from "./signature.ts";
import { pyEquals, pyStr, Value } from "./values.ts";

const self = (a: Args) => a.value(0) as Value[];
const text = (a: Args) => a.value(0) as string;

function indexIn(list: readonly Value[], i: number): number {
  const at = i < 0 ? i + list.length : i;
  if (at < 0 || at >= list.length) throw opError("pop index out of range");
  return at;
}

/** Methods of `list` values (the list is the first argument). */
export function listMethods(ops: TensorOps): Map<string, Builtin> {
  return builtinTable([
    [
      "append(self, item)",
      (a) => {
        charge(LIST_ITEM_BYTES);
        self(a).push(a.value(1));
        return null;
      },
    ],
    [
      "extend(self, iterable)",
      (a) => {
        const items = iterate(ops, a.value(1));
        charge(LIST_ITEM_BYTES * items.length);
        self(a).push(...items);
        return null;
      },
    ],
    [
      "insert(self, index, item)",
      (a) => {
        charge(LIST_ITEM_BYTES);
        const list = self(a);
        const i = a.int(1);
        list.splice(Math.max(0, Math.min(list.length, i < 0 ? i + list.length : i)), 0, a.value(2));
        return null;
      },
    ],
    [
      "pop(self, index=-1)",
      (a) => {
        const list = self(a);
        if (list.length === 0) throw opError("pop from empty list");
        return list.splice(indexIn(list, a.int(1)), 1)[0] ?? null;
      },
    ],
    [
      "remove(self, item)",
      (a) => {
        const list = self(a);
        const at = list.findIndex((v) => pyEquals(v, a.value(1)));
        if (at < 0) throw opError("list.remove(x): x not in list");
        list.splice(at, 1);
        return null;
      },
    ],
    [
      "index(self, item)",
      (a) => {
        const at = self(a).findIndex((v) => pyEquals(v, a.value(1)));
        if (at < 0) throw opError(`${pyStr(a.value(1))} is not in list`);
        return at;
      },
    ],
    ["count(self, item)", (a) => self(a).filter((v) => pyEquals(v, a.value(1))).length],
    [
      "clear(self)",
      (a) => {
        self(a).length = 0;
        return null;
      },
    ],
    [
      "reverse(self)",
      (a) => {
        self(a).reverse();
        return null;
      },
    ],
    ["copy(self)", (a) => newList([...self(a)])],
  ]);
}

function splitText(s: string, sep: string | undefined, max: number): string[] {
  if (sep === "") throw opError("empty separator");
  const parts = sep === undefined ? s.trim().split(/\s+/).filter((p) => p !== "") : s.split(sep);
  if (max < 0 || parts.length <= max + 1) return parts;
  const joiner = sep ?? " ";
  return [...parts.slice(0, max), parts.slice(max).join(joiner)];
}

function strip(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars ?? " \t\n\r\f\v";
  let start = 0;
  let end = s.length;
  while (left && start < end && set.includes(s[start] as string)) start++;
  while (right && end > start && set.includes(s[end - 1] as string)) end--;
  return s.slice(start, end);
}

function format(template: string, args: readonly Value[]): string {
  let next = 0;
  return template.replace(/\{(\d*)\}/g, (_, index: string) => {
    const i = index === "" ? next++ : Number(index);
    if (i >= args.length) throw opError("Replacement index out of range for positional args tuple");
    return pyStr(args[i] ?? null);
  });
}

/** Methods of `str` values. */
export function strMethods(ops: TensorOps): Map<string, Builtin> {
  return builtinTable([
    [
      "split(self, sep=None, maxsplit=-1)",
      (a) => newList(splitText(text(a), a.optStr(1), a.int(2))),
    ],
    ["strip(self, chars=None)", (a) => strip(text(a), a.optStr(1), true, true)],
    ["lstrip(self, chars=None)", (a) => strip(text(a), a.optStr(1), true, false)],
    ["rstrip(self, chars=None)", (a) => strip(text(a), a.optStr(1), false, true)],
    ["lower(self)", (a) => text(a).toLowerCase()],
    ["upper(self)", (a) => text(a).toUpperCase()],
    ["startswith(self, prefix)", (a) => text(a).startsWith(a.str(1))],
    ["endswith(self, suffix)", (a) => text(a).endsWith(a.str(1))],
    ["find(self, sub)", (a) => text(a).indexOf(a.str(1))],
    ["isdigit(self)", (a) => /^\d+$/.test(text(a))],
    [
      "join(self, iterable)",
      (a) => {
        const items = iterate(ops, a.value(1));
        const parts = items.map((v) => {
          if (typeof v !== "string") throw opError("sequence item: expected str instance");
          return v;
        });
        charge(parts.reduce((n, p) => n + p.length, 0));
        return parts.join(text(a));
      },
    ],
    ["replace(self, old, new)", (a) => text(a).replaceAll(a.str(1), a.str(2))],
    ["format(self, *args)", (a) => format(text(a), a.value(1) as Value[])],
  ]);
}
