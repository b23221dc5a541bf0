import type { Client } from 'graphql-ws';

export interface CollectedSubscription<T> {
  /** Every `next` payload so far. */
  readonly results: Array<{ data?: T; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Resolves when the server completes the subscription; rejects with what graphql-ws reported. */
  readonly done: Promise<void>;
  unsubscribe(): void;
}

/** Subscribes through graphql-ws and records what arrives. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}): CollectedSubscription<T> {
  const results: CollectedSubscription<T>['results'] = [];
  let unsubscribe: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          results.push(value as CollectedSubscription<T>['results'][number]);
        },
        // graphql-ws reports a closed socket as its CloseEvent (with `code`), GraphQL errors as an array.
        error: (error: unknown) => reject(error),
        complete: () => resolve(),
      },
    );
  });
  // Callers await `done` only when they expect an end; keep an unawaited rejection from crashing the run.
  done.catch(() => undefined);
  return { results, done, unsubscribe: () => unsubscribe() };
}
