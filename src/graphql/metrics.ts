/** Prometheus text exposition for a handful of gauges and counters read at scrape time. */
export interface GaugeSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Gauge {
  readonly name: string;
  readonly help: string;
  /** `gauge` when absent; a counter's name ends in `_total`. */
  readonly type?: 'gauge' | 'counter';
  collect(): readonly GaugeSample[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function renderMetrics(gauges: readonly Gauge[]): string {
  const lines: string[] = [];
  for (const gauge of gauges) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} ${gauge.type ?? 'gauge'}`);
    for (const sample of gauge.collect()) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText = labels.length === 0 ? '' : `{${labels.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
      lines.push(`${gauge.name}${labelText} ${sample.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
