/**
 * `deno task bench`: runs every benchmark in tests/bench/ one after another (each is a
 * standalone script printing side-by-side ratios), or only those named on the command line.
 */
const here = new URL(".", import.meta.url).pathname;
const names = Deno.args.length > 0
  ? Deno.args
  : [...Deno.readDirSync(here)].map((e) => e.name).filter((n) => n.endsWith("_bench.ts")).sort();
const failed: string[] = [];
for (const name of names) {
  const file = name.endsWith(".ts") ? name : `${name}_bench.ts`;
  console.log(`\n# ${file}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-webgpu", `${here}${file}`],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    failed.push(`${file} (exit code ${status.code}${status.signal ? `, ${status.signal}` : ""})`);
  }
}
if (failed.length > 0) console.error(`\nbenchmarks that failed: ${failed.join(", ")}`);
Deno.exit(failed.length === 0 ? 0 : 1);
