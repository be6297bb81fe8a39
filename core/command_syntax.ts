/**
 * Turns a command's syntax line in Redis's doc notation (`key value [NX | XX] [key ...]`,
 * `<ON | OFF>`) into the argument tree that `COMMAND DOCS` reports and redis-cli turns back
 * into hints. Upper-case words are tokens; `[...]` is optional, `<...>` groups alternatives,
 * `|` separates alternatives, and `[x ...]` right after `x` makes `x` repeatable.
 *
 * The input is our own static table text, so a malformed line is a programmer error (assert).
 */
import { assert } from "./errors.ts";

export type ArgType = "key" | "string" | "pure-token" | "oneof" | "block";

export interface ArgDoc {
  readonly name: string;
  readonly type: ArgType;
  readonly token?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly arguments?: readonly ArgDoc[];
}

const TOKEN_RE = /^[A-Z][A-Z0-9_.-]*$/;

/** Parses a syntax line into argument docs. */
export function parseSyntax(syntax: string): ArgDoc[] {
  const words = syntax.replace(/([[\]<>|])/g, " $1 ").split(/\s+/).filter((w) => w !== "");
  const cursor = { words, at: 0 };
  const args = parseSequence(cursor);
  assert(cursor.at === words.length, `bad command syntax: ${syntax}`);
  return args;
}

interface Cursor {
  readonly words: readonly string[];
  at: number;
}

/** Items up to a closing bracket or `|`, with repetitions collapsed and tokens merged. */
function parseSequence(cursor: Cursor): ArgDoc[] {
  const items: ArgDoc[] = [];
  for (;;) {
    const word = cursor.words[cursor.at];
    if (word === undefined || word === "]" || word === ">" || word === "|") break;
    cursor.at++;
    if (word === "[" || word === "<") {
      const optional = word === "[";
      const alternatives = parseAlternatives(cursor, optional ? "]" : ">");
      const body = repeatedBody(alternatives);
      if (body === undefined) {
        items.push(group(alternatives, { optional }));
      } else if (endsWith(items, body)) {
        const repeated = items.splice(items.length - body.length);
        items.push(group([repeated], { multiple: true }));
      } else {
        items.push(group([body], { optional, multiple: true }));
      }
    } else {
      items.push(
        TOKEN_RE.test(word)
          ? { name: word.toLowerCase(), type: "pure-token", token: word }
          : { name: word, type: /key$/.test(word) ? "key" : "string" },
      );
    }
  }
  return mergeTokens(items);
}

/** Alternatives up to `close`, consuming it. Each alternative is a sequence. */
function parseAlternatives(cursor: Cursor, close: string): ArgDoc[][] {
  const alternatives = [parseSequence(cursor)];
  while (cursor.words[cursor.at] === "|") {
    cursor.at++;
    alternatives.push(parseSequence(cursor));
  }
  assert(cursor.words[cursor.at] === close, `bad command syntax near ${cursor.at}`);
  cursor.at++;
  return alternatives;
}

/** For `[x y ...]`, the items before `...` (`x y`); `undefined` for any other group. */
function repeatedBody(alternatives: readonly ArgDoc[][]): ArgDoc[] | undefined {
  const only = alternatives[0];
  if (alternatives.length !== 1 || only === undefined || only.length < 2) return undefined;
  const last = only[only.length - 1];
  return last?.type === "string" && last.name === "..." ? only.slice(0, -1) : undefined;
}

function endsWith(items: readonly ArgDoc[], tail: readonly ArgDoc[]): boolean {
  if (tail.length > items.length) return false;
  return JSON.stringify(items.slice(items.length - tail.length)) === JSON.stringify(tail);
}

/** One argument for a bracketed group: the lone item, a block, or a oneof. */
function group(
  alternatives: readonly (readonly ArgDoc[])[],
  flags: { optional?: boolean; multiple?: boolean },
): ArgDoc {
  const options = alternatives.map((seq) => seq.length === 1 ? seq[0] as ArgDoc : block(seq));
  const base: ArgDoc = options.length === 1 ? options[0] as ArgDoc : {
    name: options.map((o) => o.name).join("-"),
    type: "oneof",
    arguments: options,
  };
  return {
    ...base,
    ...(flags.optional ? { optional: true } : {}),
    ...(flags.multiple ? { multiple: true } : {}),
  };
}

function block(seq: readonly ArgDoc[]): ArgDoc {
  assert(seq.length > 0, "empty syntax group");
  return { name: seq.map((a) => a.name).join("-"), type: "block", arguments: seq };
}

/** `EX seconds` becomes one argument `seconds` with token `EX`. */
function mergeTokens(items: readonly ArgDoc[]): ArgDoc[] {
  const out: ArgDoc[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as ArgDoc;
    const next = items[i + 1];
    const plainToken = item.type === "pure-token" && !item.optional && !item.multiple;
    if (plainToken && next !== undefined && next.type !== "pure-token" && !next.optional) {
      out.push({ ...next, token: item.token as string });
      i++;
    } else {
      out.push(item);
    }
  }
  return out;
}
