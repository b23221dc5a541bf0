/**
 * Where a followed container log was left, so that a follow stream opened again (after a dropped
 * connection, a log rotation or a restarted container) hands on only the lines not seen yet.
 *
 * Lines are requested with timestamps (RFC3339Nano, the kubelet's). A line is new when it is later
 * than the last line handed on, or at the same instant beyond as many lines as were handed on at
 * that instant. Counting lines from the start instead drops new lines as soon as the kubelet
 * serves fewer old ones than before: after a rotation, or from a restarted container.
 */
export interface ResumedLine {
  readonly text: string;
  readonly at: Date;
}

const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})(?: (.*))?$/s;

export class LogResumePoint {
  /** Sortable form of the last handed-on line's instant (UTC, nine fraction digits). */
  private lastKey: string | undefined;
  private handedOnAtLast = 0;
  private seenAtLastThisStream = 0;
  private count = 0;

  /** Lines handed on so far, over every stream. */
  get delivered(): number {
    return this.count;
  }

  /** For the next follow request: the second of the last line (the API takes whole seconds), or undefined from the start. */
  get sinceTime(): string | undefined {
    return this.lastKey === undefined ? undefined : `${this.lastKey.slice(0, 19)}Z`;
  }

  /** A new stream starts: lines at the last instant are counted again from zero. */
  startStream(): void {
    this.seenAtLastThisStream = 0;
  }

  /** The line to hand on, or undefined when it was handed on by an earlier stream. */
  accept(rawLine: string): ResumedLine | undefined {
    const parsed = parseTimestamped(rawLine);
    // A line without a timestamp (not the kubelet's format) belongs to the instant of the last one.
    const key = parsed?.key ?? this.lastKey ?? '';
    if (this.lastKey !== undefined && key < this.lastKey) return undefined;
    if (key === this.lastKey) {
      this.seenAtLastThisStream += 1;
      if (this.seenAtLastThisStream <= this.handedOnAtLast) return undefined;
      this.handedOnAtLast += 1;
    } else {
      this.lastKey = key;
      this.handedOnAtLast = 1;
      this.seenAtLastThisStream = 1;
    }
    this.count += 1;
    return parsed === undefined ? { text: rawLine, at: new Date() } : { text: parsed.text, at: parsed.at };
  }
}

function parseTimestamped(line: string): { key: string; at: Date; text: string } | undefined {
  const match = TIMESTAMPED.exec(line);
  if (match === null) return undefined;
  const [, seconds = '', fraction = '', zone = 'Z', text = ''] = match;
  const at = new Date(`${seconds}.${fraction.padEnd(3, '0').slice(0, 3)}${zone}`);
  if (Number.isNaN(at.getTime())) return undefined;
  // Another zone than Z: its UTC instant, to the millisecond.
  const key = zone === 'Z' ? `${seconds}.${fraction.padEnd(9, '0')}` : `${at.toISOString().slice(0, 23)}000000`;
  return { key, at, text };
}
