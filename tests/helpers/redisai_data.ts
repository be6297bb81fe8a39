/**
 * RedisAI's test models and inputs (`../shared/testdata/redisai/`) for tests and benchmarks,
 * plus `redis-cli -x` with binary stdin (a model or tensor blob as the last argument).
 */

export const REDISAI_TESTDATA = new URL("../../../shared/testdata/redisai/", import.meta.url);

/** The bytes of a file in RedisAI's test data. */
export function redisaiFile(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, REDISAI_TESTDATA));
}

/** A FLOAT tensor blob of `values`. */
export function floatBlob(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

/** The index of the largest value. */
export function argmax(values: readonly number[]): number {
  return values.indexOf(Math.max(...values));
}

/** Runs `redis-cli -x` (stdin becomes the last argument); returns stdout. */
export async function redisCliWithBlob(
  port: number,
  args: readonly string[],
  blob: Uint8Array,
): Promise<string> {
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "-x", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(blob);
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`redis-cli failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}
