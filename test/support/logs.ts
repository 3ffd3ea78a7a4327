import type { Logger } from '../../src/infra/log.js';

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
