/**
 * A small writer for the Prometheus text exposition format (version 0.0.4): samples are grouped
 * by family whatever order they are added in, each family gets its `# HELP` and `# TYPE` lines
 * once, label values are escaped, and histograms are written from a `LatencyHistogram` as
 * cumulative `_bucket` series plus `_sum` and `_count` in seconds.
 */
import { LATENCY_BOUNDS_US, LatencyHistogram } from "../../core/latency_histogram.ts";

export type Labels = Readonly<Record<string, string>>;

export class PrometheusText {
  /** Family name → its lines (header first), in first-seen order. */
  private readonly families = new Map<string, string[]>();

  /** Declares a family (once) and writes one sample of it. */
  sample(
    name: string,
    type: "counter" | "gauge",
    help: string,
    value: number,
    labels: Labels = {},
  ): void {
    this.family(name, type, help).push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  /** Writes one histogram (µs observations, exposed in seconds). */
  histogram(name: string, help: string, h: LatencyHistogram, labels: Labels = {}): void {
    const lines = this.family(name, "histogram", help);
    const cumulative = h.cumulative();
    LATENCY_BOUNDS_US.forEach((boundUs, i) => {
      const le = String(boundUs / 1e6);
      lines.push(`${name}_bucket${formatLabels({ ...labels, le })} ${cumulative[i]}`);
    });
    lines.push(`${name}_bucket${formatLabels({ ...labels, le: "+Inf" })} ${h.count}`);
    lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(h.sumUs / 1e6)}`);
    lines.push(`${name}_count${formatLabels(labels)} ${h.count}`);
  }

  toString(): string {
    return [...this.families.values()].flat().join("\n") + "\n";
  }

  private family(name: string, type: string, help: string): string[] {
    let lines = this.families.get(name);
    if (lines === undefined) {
      const escaped = help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
      lines = [`# HELP ${name} ${escaped}`, `# TYPE ${name} ${type}`];
      this.families.set(name, lines);
    }
    return lines;
  }
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  const body = entries.map(([k, v]) =>
    `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`
  );
  return `{${body.join(",")}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** A metric-name-safe form of `text` (`[a-zA-Z0-9_]`, not starting with a digit). */
export function metricName(text: string): string {
  const safe = text.replace(/[^a-zA-Z0-9_]/g, "_");
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}
