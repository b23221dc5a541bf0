import { unifiedDiff } from './text-diff.js';

const labels = { before: 'a', after: 'b' };

describe('unified diffs', () => {
  test('nothing for equal texts', () => {
    expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toBe('');
  });

  test('one changed line with its context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n') + '\n';
    expect(unifiedDiff(before, after, labels)).toBe('--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n');
  });

  test('a created object is all additions, a deleted one all removals', () => {
    expect(unifiedDiff('', 'a: 1\nb: 2\n', labels)).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n');
    expect(unifiedDiff('a: 1\n', '', labels)).toBe('--- a\n+++ b\n@@ -1 +0,0 @@\n-a: 1\n');
  });

  test('changes far apart make two hunks', () => {
    const lines = Array.from({ length: 30 }, (_, index) => `line ${index}`);
    const changed = lines.map((line, index) => (index === 2 || index === 25 ? `${line}!` : line));
    const diff = unifiedDiff(lines.join('\n'), changed.join('\n'), labels);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('-line 2\n+line 2!\n');
    expect(diff).toContain('-line 25\n+line 25!\n');
  });

  test('a diff too large is summarized', () => {
    const before = Array.from({ length: 800 }, (_, index) => `a${index}`).join('\n');
    const after = Array.from({ length: 800 }, (_, index) => `b${index}`).join('\n');
    expect(unifiedDiff(before, after, labels)).toContain('diff not shown');
  });
});
