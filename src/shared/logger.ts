import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Structured logging port; the composition root decides where lines go. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

export interface JsonLoggerOptions {
  minLevel?: Level | 'silent';
  base?: LogFields;
  /** Where lines go (tests capture them); stderr, written synchronously, when absent. */
  stream?: DestinationStream;
}

function wrap(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (fields) => wrap(logger.child(fields)),
  };
}

/**
 * One JSON object per line (pino): `time` (ISO), `level` (its name), `message`, then the fields.
 * Synchronous on stderr so that the last lines before an exit are not lost. `minLevel: 'silent'` for tests.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.minLevel ?? 'info',
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      // No pid and hostname on every line: the process supervisor adds what it needs.
      base: options.base ?? null,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.stream ?? (options.minLevel === 'silent' ? { write: () => undefined } : pino.destination({ dest: 2, sync: true })),
  );
  return wrap(logger);
}

export const silentLogger: Logger = createJsonLogger({ minLevel: 'silent' });
