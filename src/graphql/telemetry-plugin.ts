import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { outcomeOf, type OperationType } from './operation-telemetry.js';

/** What the request log line and the HTTP metrics say about one operation, filled in as it runs. */
export interface RequestRecord {
  type: OperationType;
  name?: string | undefined;
  callerId: string | null;
  /** Set once Apollo answers; absent when the request failed before its plugins ran. */
  outcome?: string;
}

/** Records each HTTP operation's type, name and outcome for the request's record. */
export function telemetryPlugin<TContext extends BaseContext>(recordOf: (context: TContext) => RequestRecord | undefined): ApolloServerPlugin<TContext> {
  return {
    requestDidStart({ contextValue }) {
      const record = recordOf(contextValue);
      if (record === undefined) return Promise.resolve();
      return Promise.resolve({
        didResolveOperation({ operation, operationName }) {
          record.type = operation?.operation ?? 'unknown';
          record.name = operationName ?? undefined;
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          record.outcome = response.body.kind === 'single' ? outcomeOf(response.body.singleResult.errors) : 'ok';
          return Promise.resolve();
        },
      });
    },
  };
}
