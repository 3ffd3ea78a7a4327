import { createLogger, type Logger, type LogLevel } from '../../src/infra/log.js';

export interface LogLine {
  level: string;
  text: string;
}

/** A logger that records info and above into `lines`, so tests can assert what an operator would read. */
export function capturingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (...msg: unknown[]) => {
    lines.push({ level, text: msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ') });
  };
  return { debug: () => {}, info: at('info'), warn: at('warn'), error: at('error') };
}

export const quietLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * The real logger (pino, the app's format and masking), writing JSON lines into memory: tests read
 * exactly what an operator would. `raw` is every byte written, for secret greps.
 */
export function jsonLogger(level: LogLevel = 'info', secrets: string[] = []): { logger: Logger; lines: () => Record<string, any>[]; raw: () => string } {
  let raw = '';
  const logger = createLogger(level, 'iiot', { secrets, destination: { write: (s: string) => { raw += s; } } });
  return { logger, raw: () => raw, lines: () => raw.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}
