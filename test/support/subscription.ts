import type { Client } from 'graphql-ws';

export interface CollectedSubscription<T> {
  /** Every `next` payload so far. */
  readonly results: Array<{ data?: T; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Resolves when the server completes the subscription; rejects with a SubscriptionFailedError. */
  readonly done: Promise<void>;
  unsubscribe(): void;
}

type GraphqlErrors = NonNullable<CollectedSubscription<unknown>['results'][number]['errors']>;

/**
 * What graphql-ws reported when a subscription failed, as an Error: it reports a closed socket as its
 * CloseEvent (`code`, `reason`), GraphQL errors as an array (`errors`). The report itself is the `cause`.
 */
export class SubscriptionFailedError extends Error {
  readonly code: number | undefined;
  readonly errors: GraphqlErrors | undefined;

  constructor(reported: unknown) {
    const errors = Array.isArray(reported) ? (reported as GraphqlErrors) : undefined;
    const closeEvent = reported as { code?: unknown; reason?: unknown } | null;
    const code = !errors && typeof closeEvent?.code === 'number' ? closeEvent.code : undefined;
    const message =
      errors !== undefined
        ? errors.map((error) => error.message).join('; ')
        : code !== undefined
          ? `socket closed ${code} ${typeof closeEvent?.reason === 'string' ? closeEvent.reason : ''}`
          : reported instanceof Error
            ? reported.message
            : JSON.stringify(reported);
    super(message, { cause: reported });
    this.name = 'SubscriptionFailedError';
    this.code = code;
    this.errors = errors;
  }
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
        error: (error: unknown) => reject(new SubscriptionFailedError(error)),
        complete: () => resolve(),
      },
    );
  });
  // Callers await `done` only when they expect an end; keep an unawaited rejection from crashing the run.
  done.catch(() => undefined);
  return { results, done, unsubscribe: () => unsubscribe() };
}
