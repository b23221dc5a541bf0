import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { ConcurrencyGate } from './concurrency-gate.js';
import { OperationDeadline } from './deadline.js';
import { estimateOperationCost } from './operation-cost.js';
import { RateLimiter } from '../rate-limit.js';

export interface OperationLimits {
  /** KDA_MAX_QUERY_COST: the most an operation may cost (see operation-cost.ts). */
  readonly maxQueryCost: number;
  /** KDA_MAX_RESPONSE_BYTES: the largest answer to one operation. */
  readonly maxResponseBytes: number;
  /** KDA_OPERATION_TIMEOUT_SECONDS: how long a query or mutation may run. */
  readonly operationTimeoutSeconds: number;
  /** KDA_MAX_CONCURRENT_OPERATIONS: operations of one caller running at once. */
  readonly maxConcurrentOperations: number;
  /** KDA_COST_PER_SECOND: cost one caller may spend per second, sustained (bursts of ten times that). */
  readonly costPerSecond: number;
}

export interface CostSources {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  readonly listSizeOf?: (typeName: string, fieldName: string) => number | undefined;
}

/** What an operation costs, as reported in `extensions.cost` of its answer. */
export interface OperationCost {
  readonly requested: number;
  readonly maximum: number;
}

/** The cost budget's bursts, in seconds of its sustained rate. */
const COST_BURST_SECONDS = 10;

/** Waiting operations per caller, for each that may run. */
const WAITING_PER_RUNNING = 8;

/**
 * The guard every query, mutation and subscription passes, over HTTP and websocket alike: priced
 * before it runs (refused above the limit), one of a bounded number of turns per caller, a
 * deadline, and an answer no larger than the limit.
 */
export class OperationGuard {
  private readonly gate: ConcurrencyGate;
  private readonly costBudget: RateLimiter;

  constructor(
    private readonly schema: GraphQLSchema,
    readonly limits: OperationLimits,
    private readonly sources: CostSources,
  ) {
    this.gate = new ConcurrencyGate({
      maxActive: limits.maxConcurrentOperations,
      maxActiveCost: limits.maxQueryCost,
      maxWaiting: limits.maxConcurrentOperations * WAITING_PER_RUNNING,
    });
    // The burst always holds one operation of the largest cost allowed.
    const burst = Math.max(limits.costPerSecond * COST_BURST_SECONDS, limits.maxQueryCost);
    this.costBudget = new RateLimiter(
      { perSecond: limits.costPerSecond, burst },
      undefined,
      ({ perSecond }) => `Query cost budget spent: at most ${perSecond} per second per caller (bursts of ${burst}; KDA_COST_PER_SECOND); wait a moment, or ask for less`,
    );
  }

  /** Throws COST_LIMIT_EXCEEDED above the limit; nothing has run then. */
  price(document: DocumentNode, operationName: string | null | undefined, variables: Readonly<Record<string, unknown>> | null | undefined): OperationCost {
    const requested = estimateOperationCost({ schema: this.schema, document, operationName, variables, ...this.sources });
    const cost = { requested, maximum: this.limits.maxQueryCost };
    if (requested > this.limits.maxQueryCost) {
      throw new GraphQLError(
        `The operation would cost ${requested}, above the limit of ${this.limits.maxQueryCost} (KDA_MAX_QUERY_COST): ask for smaller pages (\`first\`), fewer nested lists or fewer aliases`,
        { extensions: { code: 'COST_LIMIT_EXCEEDED', cost, http: { status: 400 } } },
      );
    }
    return cost;
  }

  /** Starts the clock of one query or mutation: time waiting for a turn counts. */
  deadline(): OperationDeadline {
    return new OperationDeadline(this.limits.operationTimeoutSeconds * 1000);
  }

  /**
   * Spends the operation's cost from the caller's budget (the caller is its user, or its address
   * when anonymous), then waits for one of its turns: resolves with the function that gives the turn
   * back; throws RATE_LIMITED when the budget is spent or too many operations wait already.
   */
  async admit(caller: string, cost: OperationCost): Promise<() => void> {
    this.costBudget.take(caller, cost.requested);
    return this.gate.enter(caller, cost.requested);
  }

  /** The answer as it goes out, or RESPONSE_TOO_LARGE in its place. */
  capSerialized(body: string): string {
    // Most answers are far below the cap; count bytes only when characters alone cannot tell.
    if (body.length * 3 <= this.limits.maxResponseBytes || Buffer.byteLength(body) <= this.limits.maxResponseBytes) return body;
    return JSON.stringify({ errors: [this.tooLarge().toJSON()] });
  }

  /** The same check for a result not yet serialized (websocket: graphql-ws serializes it). */
  capResult<T extends ExecutionResult>(result: T): T | ExecutionResult {
    const body = JSON.stringify(result);
    return body === this.capSerialized(body) ? result : { errors: [this.tooLarge()] };
  }

  private tooLarge(): GraphQLError {
    return new GraphQLError(`The answer is larger than ${this.limits.maxResponseBytes} bytes (KDA_MAX_RESPONSE_BYTES): ask for smaller pages or fewer fields`, {
      extensions: { code: 'RESPONSE_TOO_LARGE' },
    });
  }
}
