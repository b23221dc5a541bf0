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

/** One JSON object per line on stderr; `minLevel: 'silent'` for tests. */
export function createJsonLogger(options: { minLevel?: Level | 'silent'; base?: LogFields } = {}): Logger {
  const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const min = options.minLevel ?? 'info';
  const base = options.base ?? {};
  const write = (level: Level, message: string, fields?: LogFields): void => {
    if (min === 'silent' || order[level] < order[min]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields })}\n`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createJsonLogger({ minLevel: min, base: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = createJsonLogger({ minLevel: 'silent' });
