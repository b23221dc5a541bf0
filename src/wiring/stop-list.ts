import type { Logger } from '../shared/logger.js';

/** What the composition root stops on the way out: in reverse order of starting, each error logged, none skipped. */
export class StopList {
  private readonly steps: Array<() => Promise<void>> = [];

  constructor(private readonly logger: Logger) {}

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async stopAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        this.logger.error('error while stopping', { error: error instanceof Error ? error.stack : String(error) });
      }
    }
  }
}
