/**
 * `iiot start` as an operator runs it: a real process, configured only by environment variables,
 * from an empty working directory. Tests start it, talk to it over loopback, signal it, read its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOURCE_CLI } from './cli.js';

export interface IiotProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** The exit code (null if killed by a signal). */
  exited: Promise<number | null>;
}

const started: IiotProcess[] = [];

/**
 * Starts `iiot start` with exactly these variables (and PATH); LOG_LEVEL is warn unless given.
 * From the sources unless `cli` says otherwise (BUILT_CLI: the installed command on dist/).
 */
export function startIiot(env: Record<string, string>, cli = SOURCE_CLI): IiotProcess {
  let output = '';
  const child = spawn(process.execPath, [...cli, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    cwd: mkdtempSync(join(tmpdir(), 'iiot-start-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { child, output: () => output, exited };
  started.push(proc);
  return proc;
}

/** The process's log lines so far: JSON objects (`level`, `msg`, …), as the logger writes them off a terminal. */
export function logLines(proc: IiotProcess): Record<string, any>[] {
  return proc.output().split('\n').flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed && typeof parsed === 'object' ? [parsed as Record<string, any>] : [];
    } catch {
      return [];
    }
  });
}

/** Kills (SIGKILL) every process a test left running; for afterEach. */
export async function killStarted(): Promise<void> {
  for (const proc of started.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function waitForHealth(proc: IiotProcess, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    if (proc.child.exitCode !== null) throw new Error(`iiot start exited: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no /healthz within 20 s: ${proc.output()}`);
}

export async function waitFor<T>(pick: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = pick();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
