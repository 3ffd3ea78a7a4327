/** A small leveled logger on stderr, shaped so Bolt and node-sdk can use it too. */
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

export interface Logger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

export function createLogger(level: LogLevel = 'info', name = 'iiot'): Logger {
  const min = LEVELS.indexOf(level);
  const at = (l: LogLevel) => (...msg: unknown[]) => {
    if (LEVELS.indexOf(l) >= min) console.error(`[${l}] ${name}:`, ...msg);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
