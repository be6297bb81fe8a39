/**
 * Errors that point into a script's source. Compile errors read like TorchScript's
 * (`expected def but found 'return' here:` then the `File "<string>", line N` excerpt with a
 * `~~~ <--- HERE` marker) because clients compare them; runtime errors carry the location the
 * same way. The text may contain newlines: the command layer blanks them for the wire.
 */

/** A half-open range of UTF-16 offsets into the source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A script error at compile time (syntax, names, types) or at run time. */
export class ScriptError extends Error {
  constructor(message: string, readonly span: Span | undefined) {
    super(message);
  }
}

/** Lines of context printed before and after the highlighted line (TorchScript prints 3). */
const CONTEXT_LINES = 3;

/** 1-based line and 0-based column of `offset` in `source`. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

/**
 * `message` followed by TorchScript's source excerpt: `here:`, the file line, up to three
 * lines of context either side, and tildes under the offending range.
 */
export function formatSourceError(source: string, message: string, span: Span): string {
  const start = Math.max(0, Math.min(span.start, source.length));
  const lineStart = source.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = source.indexOf("\n", start);
  if (lineEnd < 0) lineEnd = source.length;
  let before = lineStart;
  for (let i = 0; i < CONTEXT_LINES && before > 0; i++) {
    before = source.lastIndexOf("\n", before - 2) + 1;
  }
  let after = lineEnd;
  for (let i = 0; i < CONTEXT_LINES && after < source.length; i++) {
    const next = source.indexOf("\n", after + 1);
    after = next < 0 ? source.length : next;
  }
  const width = Math.max(1, Math.min(span.end, lineEnd) - start);
  const { line } = lineColumn(source, start);
  const trailing = source.slice(lineEnd, after).replace(/^\n/, "");
  return `${message} here:\n  File "<string>", line ${line}\n` +
    `${source.slice(before, lineEnd)}\n` +
    `${" ".repeat(start - lineStart)}${"~".repeat(width)} <--- HERE\n` +
    (trailing.length > 0 ? `${trailing}\n` : "");
}

/** A run stopped by its step or memory budget (not by the script's own logic). */
export class ScriptLimitError extends ScriptError {
  constructor(message: string) {
    super(message, undefined);
  }
}

/** Where a runtime error happened: the function and the range being evaluated. */
export interface TraceFrame {
  readonly fn: string;
  readonly span: Span;
}

/** Longer tracebacks keep the 3 outermost and 5 innermost frames. */
const TRACE_FRAMES_MAX = 10;

/** A runtime error with the script's call stack, outermost first. */
export class ScriptRuntimeError extends ScriptError {
  constructor(
    message: string,
    readonly frames: readonly TraceFrame[],
    /** The cause was a `ScriptLimitError`. */
    readonly limit = false,
  ) {
    super(message, frames[frames.length - 1]?.span);
  }

  /** TorchScript's report: the traceback with source excerpts, then the error line. */
  format(source: string): string {
    let out = "The following operation failed in the TorchScript interpreter.\n" +
      "Traceback of TorchScript (most recent call last):\n";
    const frames = this.frames.length <= TRACE_FRAMES_MAX
      ? this.frames
      : [...this.frames.slice(0, 3), undefined, ...this.frames.slice(-5)];
    for (const frame of frames) {
      if (frame === undefined) {
        out += `  [... ${this.frames.length - 8} frames omitted ...]\n`;
        continue;
      }
      const start = Math.max(0, Math.min(frame.span.start, source.length));
      const lineStart = source.lastIndexOf("\n", start - 1) + 1;
      let lineEnd = source.indexOf("\n", start);
      if (lineEnd < 0) lineEnd = source.length;
      const width = Math.max(1, Math.min(frame.span.end, lineEnd) - start);
      out += `  File "<string>", line ${lineColumn(source, start).line}, in ${frame.fn}\n` +
        `${source.slice(lineStart, lineEnd)}\n` +
        `${" ".repeat(start - lineStart)}${"~".repeat(width)} <--- HERE\n`;
    }
    const named = /^[A-Z]\w*(Error|Exception): /.test(this.message);
    return `${out}${named ? "" : "RuntimeError: "}${this.message}\n`;
  }
}
