import { GraphQLError } from 'graphql';
import { BadInputError } from '../shared/errors.js';
import type { LogFields, Logger } from '../shared/logger.js';
import { createErrorFormatter, INTERNAL_ERROR_MESSAGE } from './errors.js';

function recordingLogger(): Logger & { readonly lines: Array<{ message: string; fields: LogFields }> } {
  const lines: Array<{ message: string; fields: LogFields }> = [];
  const record = (message: string, fields: LogFields = {}) => {
    lines.push({ message, fields });
  };
  const logger = { lines, debug: record, info: record, warn: record, error: record, child: () => logger };
  return logger;
}

/** What Apollo hands formatError for an error a resolver threw: located, with its own extensions. */
function located(original: Error): [GraphQLError, ReturnType<GraphQLError['toJSON']>] {
  const error = new GraphQLError(original.message, { path: ['workspaces'], originalError: original });
  return [error, { ...error.toJSON(), extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR', stacktrace: ['at /srv/kda/dist/x.js:1'] } }];
}

describe('the error formatter', () => {
  test('an unexpected error is masked with an errorId that the log line carries with the stack', () => {
    const logger = recordingLogger();
    const [error, formatted] = located(new Error("ER_NO_SUCH_TABLE: Table 'kda.workspaces' doesn't exist"));
    const shown = createErrorFormatter(logger)(formatted, error);
    expect(shown).toEqual({ message: INTERNAL_ERROR_MESSAGE, path: ['workspaces'], extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) } });
    expect(logger.lines).toEqual([
      { message: 'unexpected error', fields: { errorId: shown.extensions?.errorId, error: expect.stringContaining('ER_NO_SUCH_TABLE'), path: ['workspaces'] } },
    ]);
    expect(String(logger.lines[0]?.fields.error)).toMatch(/errors\.test\.ts/);
  });

  test('with debugErrors the message and stack are shown, still with an errorId', () => {
    const [error, formatted] = located(new Error('boom'));
    const shown = createErrorFormatter(recordingLogger(), { debugErrors: true })(formatted, error);
    expect(shown).toMatchObject({
      message: 'boom',
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String), stacktrace: expect.arrayContaining([expect.stringContaining('errors.test.ts')]) },
    });
  });

  test('domain errors, coded GraphQL errors and graphql-js input errors pass, without stack or http', () => {
    const logger = recordingLogger();
    const format = createErrorFormatter(logger);
    const [domain, domainFormatted] = located(new BadInputError('name', 'is taken'));
    expect(format(domainFormatted, domain)).toMatchObject({ message: 'name: is taken', extensions: { code: 'BAD_USER_INPUT', field: 'name' } });

    const coded = new GraphQLError('Too many requests', { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } });
    expect(format({ ...coded.toJSON(), extensions: { ...coded.extensions, stacktrace: ['x'] } }, coded).extensions).toEqual({ code: 'RATE_LIMITED' });

    const [ownCode, ownCodeFormatted] = located(new GraphQLError('Argument Validation Error', { extensions: { code: 'BAD_USER_INPUT' } }));
    expect(format(ownCodeFormatted, ownCode)).toMatchObject({ message: 'Argument Validation Error', extensions: { code: 'BAD_USER_INPUT' } });

    const coercion = new GraphQLError('Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"');
    expect(format({ ...coercion.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR' } }, coercion).extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(logger.lines).toEqual([]);
  });
});
