import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { OperationDeadline } from './deadline.js';
import type { OperationCost, OperationGuard } from './operation-guard.js';

/** One HTTP operation's place in the guard: who pays, its clock, and its turn once it has one. */
export interface OperationTicket {
  readonly deadline: OperationDeadline;
  caller?: string;
  leave?: () => void;
}

/**
 * Prices each HTTP operation once it is parsed and validated, then waits for the caller's turn,
 * before anything runs; reports the price in `extensions.cost` of the answer (a refused one
 * carries it in its error).
 */
export function costPlugin<TContext extends BaseContext>(guard: OperationGuard, ticketOf: (context: TContext) => OperationTicket | undefined): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      let cost: OperationCost | undefined;
      return Promise.resolve({
        async didResolveOperation({ document, operationName, request, contextValue }) {
          cost = guard.price(document, operationName, request.variables);
          const ticket = ticketOf(contextValue);
          if (ticket?.caller !== undefined) ticket.leave = await guard.admit(ticket.caller, cost);
        },
        willSendResponse({ response }) {
          if (cost !== undefined && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
          }
          return Promise.resolve();
        },
      });
    },
  };
}
