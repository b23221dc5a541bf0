import { LogResumePoint } from './log-resume.js';

function stream(point: LogResumePoint, lines: string[]): string[] {
  point.startStream();
  return lines.flatMap((line) => {
    const accepted = point.accept(line);
    return accepted === undefined ? [] : [accepted.text];
  });
}

describe('LogResumePoint', () => {
  it('hands on each line once across streams that start over, start later (rotation) or start fresh (restart)', () => {
    const point = new LogResumePoint();
    expect(stream(point, ['2026-01-01T10:00:00.1Z a', '2026-01-01T10:00:00.2Z b', '2026-01-01T10:00:00.2Z c'])).toEqual(['a', 'b', 'c']);
    // The same log again, one more line at the same instant.
    expect(stream(point, ['2026-01-01T10:00:00.1Z a', '2026-01-01T10:00:00.2Z b', '2026-01-01T10:00:00.2Z c', '2026-01-01T10:00:00.2Z d'])).toEqual(['d']);
    // Rotated: the first lines are gone.
    expect(stream(point, ['2026-01-01T10:00:00.2Z d', '2026-01-01T10:00:01.000000001Z e'])).toEqual(['e']);
    // A restarted container: a new log, later.
    expect(stream(point, ['2026-01-01T10:00:02Z f'])).toEqual(['f']);
    expect(point.delivered).toBe(6);
    expect(point.sinceTime).toBe('2026-01-01T10:00:02Z');
  });

  it('compares nanosecond and millisecond timestamps and other zones by their instant, and gives the kubelet time', () => {
    const point = new LogResumePoint();
    expect(point.sinceTime).toBeUndefined();
    expect(point.accept('2026-01-01T10:00:00.123456789Z one')).toEqual({ text: 'one', at: new Date('2026-01-01T10:00:00.123Z') });
    point.startStream();
    expect(point.accept('2026-01-01T10:00:00.123Z earlier')).toBeUndefined();
    expect(point.accept('2026-01-01T11:00:00.1+01:00 also earlier')).toBeUndefined();
    expect(point.accept('2026-01-01T11:00:01+01:00 later')?.text).toBe('later');
    expect(point.accept('2026-01-01T10:00:02Z ')?.text).toBe('');
  });

  it('hands on a line without a timestamp as it comes, at the instant of the last one', () => {
    const point = new LogResumePoint();
    expect(point.accept('no time here')?.text).toBe('no time here');
    expect(point.accept('2026-01-01T10:00:00Z timed')?.text).toBe('timed');
    expect(point.accept('again no time')?.text).toBe('again no time');
    point.startStream();
    expect([point.accept('2026-01-01T10:00:00Z timed'), point.accept('again no time')]).toEqual([undefined, undefined]);
  });
});
