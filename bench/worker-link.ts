/** A worker thread driven by commands, whose reports are awaited one type at a time, with a bound. */
import { Worker } from 'node:worker_threads';

interface Waiter<R> {
  readonly accepts: (report: R) => boolean;
  readonly resolve: (report: R) => void;
  readonly reject: (error: Error) => void;
}

export class WorkerLink<C, R extends { type: string }> {
  private readonly worker: Worker;
  private readonly pending: R[] = [];
  private readonly waiters = new Set<Waiter<R>>();
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  /** `failedType` reports carry a `message` and fail every current and later wait. */
  constructor(
    script: URL,
    private readonly failedType: string,
  ) {
    this.worker = new Worker(script);
    this.worker.on('message', (report: R) => this.receive(report));
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.fail(new Error(`worker exited with code ${code}`));
        resolve();
      }),
    );
  }

  send(command: C): void {
    this.worker.postMessage(command);
  }

  /** The next report of `type` (earlier ones of other types are dropped). */
  expect<T extends R['type']>(type: T, timeoutMs: number): Promise<Extract<R, { type: T }>> {
    const index = this.pending.findIndex((report) => report.type === type);
    if (index >= 0) {
      const report = this.pending[index] as Extract<R, { type: T }>;
      this.pending.splice(0, index + 1);
      return Promise.resolve(report);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for the worker's "${type}" report`));
      }, timeoutMs);
      const waiter: Waiter<R> = {
        accepts: (report) => report.type === type,
        resolve: (report) => {
          clearTimeout(timer);
          resolve(report as Extract<R, { type: T }>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Ends the thread (it holds only sockets this benchmark opened) and waits until it is gone. */
  async stop(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private receive(report: R): void {
    if (report.type === this.failedType) {
      this.fail(new Error(`worker failed: ${(report as unknown as { message?: string }).message ?? 'unknown error'}`));
      return;
    }
    for (const waiter of this.waiters) {
      if (waiter.accepts(report)) {
        this.waiters.delete(waiter);
        waiter.resolve(report);
        return;
      }
    }
    this.pending.push(report);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters) waiter.reject(this.failure);
    this.waiters.clear();
  }
}
