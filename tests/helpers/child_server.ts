/**
 * Runs `main.ts` as a child process (for crash tests: `kill -9` needs a real process) and
 * waits for its "ready" line. Output is drained continuously and kept for failure messages.
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const READY = /inferdb ready: RESP on \S+:(\d+)/;

export interface ChildServer {
  readonly process: Deno.ChildProcess;
  readonly port: number;
  /** Everything the child printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the child has exited and its output is fully read. */
  finished(): Promise<Deno.CommandStatus>;
}

async function drain(stream: ReadableStream<Uint8Array>, sink: (text: string) => void) {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink(decoder.decode(chunk, { stream: true }));
}

/** Starts `main.ts --port 0 --http-port 0 --dir <dir> ...args`; rejects if it exits first. */
export async function spawnServer(dir: string, args: readonly string[] = []): Promise<ChildServer> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0", "--http-port", "0", "--dir", dir, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let onText: () => void = () => {};
  const append = (t: string) => {
    text += t;
    onText();
  };
  const drained = Promise.all([drain(process.stdout, append), drain(process.stderr, append)]);
  const exited = process.status.then((s) => {
    throw new Error(`server exited with ${s.code} before it was ready:\n${text}`);
  });
  exited.catch(() => {});
  const ready = new Promise<number>((resolve) => {
    onText = () => {
      const m = READY.exec(text);
      if (m !== null) resolve(Number(m[1]));
    };
  });
  let port: number;
  try {
    port = await Promise.race([ready, exited]);
  } catch (e) {
    await drained;
    throw e;
  }
  const finished = async () => {
    const status = await process.status;
    await drained;
    return status;
  };
  return { process, port, output: () => text, finished };
}

/** Runs `main.ts` until it exits (a start-up that must fail); returns its code and output. */
export async function runServerToExit(
  dir: string,
  args: readonly string[] = [],
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0", "--http-port", "0", "--dir", dir, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}
