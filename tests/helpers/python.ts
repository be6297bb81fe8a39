/** Runs Debian's python3 (with numpy) for tests that need files numpy itself wrote. */

/** Runs `python3 -c code` and returns its stdout bytes (throws on failure). */
export async function python(code: string): Promise<Uint8Array> {
  const out = await new Deno.Command("python3", { args: ["-c", code], stdout: "piped" }).output();
  if (!out.success) throw new Error(`python3 failed on: ${code}`);
  return out.stdout;
}

/** The bytes of `np.save(expr)` (`np` is numpy). */
export function npySave(expr: string): Promise<Uint8Array> {
  return python(
    "import numpy as np, io, sys\nb = io.BytesIO()\nnp.save(b, " + expr +
      ")\nsys.stdout.buffer.write(b.getvalue())",
  );
}
