/**
 * Shared helpers of the benchmark: clocks, bounded waits, heap measurement and the result table.
 * Nothing here asserts speed: the benchmark reports, it never fails on slowness.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Milliseconds on a clock shared by the main thread and worker threads: each thread's
 * `performance.now()` starts at its own origin, `timeOrigin + now()` does not.
 */
export function absoluteNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Polls `probe` until it returns something other than undefined/false; throws after `timeoutMs`. */
export async function waitUntil<T>(description: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${lastError ? `: ${describe(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The last error as text: an Error or a string as `String` shows it, anything else as JSON. */
function describe(error: unknown): string {
  return error instanceof Error || typeof error === 'string' ? String(error) : JSON.stringify(error);
}

/** Rejects with a readable message when `promise` takes longer than `timeoutMs`. */
export async function withTimeout<T>(description: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type GcFunction = () => void;

let cachedGc: GcFunction | undefined;

/**
 * A full garbage collection. Uses `global.gc` when node runs with --expose-gc; otherwise turns the
 * flag on at run time and takes `gc` from a fresh context (V8 installs it in contexts created
 * after the flag is set), so `npm run bench` needs no extra node option.
 */
export function collectGarbage(): void {
  if (cachedGc === undefined) {
    const exposed = (globalThis as { gc?: GcFunction }).gc;
    if (typeof exposed === 'function') {
      cachedGc = exposed;
    } else {
      setFlagsFromString('--expose-gc');
      const fromContext: unknown = runInNewContext('gc');
      if (typeof fromContext !== 'function') throw new Error('Cannot get a garbage collector: run node with --expose-gc');
      cachedGc = fromContext as GcFunction;
    }
  }
  // Several passes: weak references and finalizers free more on the later ones.
  for (let pass = 0; pass < 4; pass++) cachedGc();
}

/** Heap bytes in use after a full collection, after letting pending callbacks settle. */
export async function settledHeapUsed(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

/** A target a row is judged against (issue 12), and whether this run met it. */
export interface Goal {
  /** As printed, e.g. "≥ 0.80× raw". */
  readonly text: string;
  readonly met: boolean;
}

/** One line of the result table. */
export interface ResultRow {
  readonly scenario: string;
  readonly measured: string;
  readonly baseline: string;
  /** measured / baseline, already oriented so that the note explains which way is better. */
  readonly ratio: string;
  readonly goal?: Goal;
  readonly note: string;
}

/** A goal on `value`: at least `minimum` (higher is better) or at most `maximum` (lower is better). */
export function goal(text: string, value: number, bound: { readonly minimum: number } | { readonly maximum: number }): Goal {
  const met = Number.isFinite(value) && ('minimum' in bound ? value >= bound.minimum : value <= bound.maximum);
  return { text, met };
}

export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  if (perSecond >= 1_000_000) return `${(perSecond / 1_000_000).toFixed(2)} M ${unit}/s`;
  if (perSecond >= 10_000) return `${(perSecond / 1_000).toFixed(1)} k ${unit}/s`;
  return `${perSecond.toFixed(1)} ${unit}/s`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(2)} KB`;
  return `${bytes.toFixed(0)} B`;
}

export function formatRatio(measured: number, baseline: number): string {
  if (!Number.isFinite(measured) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  const ratio = measured / baseline;
  return `${ratio.toFixed(ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2)}×`;
}

type Cells = Record<'scenario' | 'measured' | 'baseline' | 'ratio' | 'goal' | 'verdict' | 'note', string>;

function cellsOf(row: ResultRow): Cells {
  return { ...row, goal: row.goal?.text ?? '-', verdict: row.goal === undefined ? '-' : row.goal.met ? 'PASS' : 'MISS' };
}

/** Plain-text table: columns padded to their widest cell, the note last and unpadded. */
export function renderTable(rows: readonly ResultRow[]): string {
  const header: Cells = { scenario: 'scenario', measured: 'measured', baseline: 'baseline', ratio: 'ratio', goal: 'goal', verdict: 'verdict', note: 'interpretation' };
  const columns = ['scenario', 'measured', 'baseline', 'ratio', 'goal', 'verdict'] as const;
  const cells = [header, ...rows.map(cellsOf)];
  const widths = columns.map((column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: Cells) => [...columns.map((column, index) => row[column].padEnd(widths[index] ?? 0)), row.note].join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ') + '  ' + '-'.repeat(14);
  return [line(header), rule, ...cells.slice(1).map(line)].join('\n');
}

/** The same rows as JSON (one object per row, the verdict spelled out), for tools and for the record. */
export function renderJson(rows: readonly ResultRow[]): string {
  return JSON.stringify(
    rows.map((row) => {
      const { goal: _goal, verdict, ...cells } = cellsOf(row);
      return { ...cells, goal: row.goal?.text ?? null, verdict: verdict === '-' ? null : verdict };
    }),
    null,
    2,
  );
}

/** Progress goes to stderr so stdout carries only the results. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
