/**
 * Unified text diffs (`diff -u` style) of small texts: the rendered YAML of one object. Myers'
 * O((N+M)·D) algorithm; beyond a bound of edits the diff gives up and says so rather than spend time.
 */

type Edit = { readonly kind: ' ' | '-' | '+'; readonly line: string };

const CONTEXT = 3;
/** Most edits looked for (the search keeps one array per edit): objects are small, a larger diff is summarized instead. */
const MAX_EDITS = 1000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script from `a` to `b`, or null when it needs more than MAX_EDITS edits. */
function editScript(a: readonly string[], b: readonly string[]): Edit[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, [...trace.slice(1), next], offset, d);
    }
    v = next;
  }
  return null;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[], offset: number, depth: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d > 0; d -= 1) {
    const v = trace[d - 1]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const previousX = v[offset + previousK]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      edits.push({ kind: ' ', line: a[x - 1]! });
      x -= 1;
      y -= 1;
    }
    if (x === previousX) edits.push({ kind: '+', line: b[y - 1]! });
    else edits.push({ kind: '-', line: a[x - 1]! });
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    edits.push({ kind: ' ', line: a[x - 1]! });
    x -= 1;
    y -= 1;
  }
  return edits.reverse();
}

function range(start: number, count: number): string {
  // diff -u numbers an empty side by the line before it.
  return count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
}

/**
 * A unified diff from `before` to `after` with headers `---`/`+++` naming `label`; '' when they are
 * the same. Either side may be '' (a created or deleted object).
 */
export function unifiedDiff(before: string, after: string, labels: { readonly before: string; readonly after: string }): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = editScript(a, b);
  const header = `--- ${labels.before}\n+++ ${labels.after}\n`;
  if (edits === null) return `${header}@@ more than ${MAX_EDITS} lines changed: diff not shown @@\n`;
  let output = header;
  let index = 0;
  while (index < edits.length) {
    // Find the next change, then grow a hunk around it until CONTEXT unchanged lines on both sides separate it from the next.
    while (index < edits.length && edits[index]!.kind === ' ') index += 1;
    if (index >= edits.length) break;
    const start = Math.max(0, index - CONTEXT);
    let end = index;
    let lastChange = index;
    while (end < edits.length) {
      if (edits[end]!.kind !== ' ') lastChange = end;
      else if (end - lastChange > 2 * CONTEXT) break;
      end += 1;
    }
    const stop = Math.min(edits.length, lastChange + CONTEXT + 1);
    let aStart = 1;
    let bStart = 1;
    for (let at = 0; at < start; at += 1) {
      if (edits[at]!.kind !== '+') aStart += 1;
      if (edits[at]!.kind !== '-') bStart += 1;
    }
    const hunk = edits.slice(start, stop);
    const aCount = hunk.filter((edit) => edit.kind !== '+').length;
    const bCount = hunk.filter((edit) => edit.kind !== '-').length;
    output += `@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@\n`;
    for (const edit of hunk) output += `${edit.kind}${edit.line}\n`;
    index = stop;
  }
  return output;
}
