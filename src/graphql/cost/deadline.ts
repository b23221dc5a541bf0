import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';

/**
 * How long one query or mutation may run. Once past, every resolver not yet started fails with
 * OPERATION_TIMEOUT instead of starting more work, and the HTTP caller gets its answer at once.
 */
export class OperationDeadline {
  private passed = false;
  private readonly timer: NodeJS.Timeout;
  /** Settles when the deadline passes (never, once stopped). */
  readonly reached: Promise<void>;

  constructor(readonly milliseconds: number) {
    let reach!: () => void;
    this.reached = new Promise((resolve) => (reach = resolve));
    this.timer = setTimeout(() => {
      this.passed = true;
      reach();
    }, milliseconds);
    this.timer.unref();
  }

  get expired(): boolean {
    return this.passed;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  error(): GraphQLError {
    return new GraphQLError(`The operation ran longer than its deadline of ${this.milliseconds / 1000} s (KDA_OPERATION_TIMEOUT_SECONDS); ask for less and try again`, {
      extensions: { code: 'OPERATION_TIMEOUT' },
    });
  }
}

interface WithDeadline {
  readonly deadline?: OperationDeadline | undefined;
}

/**
 * Wraps every resolver the schema defines (property reads stay as they are: they start no work)
 * so that none starts after its operation's deadline.
 */
export function enforceDeadlines(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (resolve === undefined) continue;
      field.resolve = (source, args, context: WithDeadline | undefined, info) => {
        const deadline = context?.deadline;
        if (deadline?.expired) throw deadline.error();
        return resolve(source, args, context, info);
      };
    }
  }
}
