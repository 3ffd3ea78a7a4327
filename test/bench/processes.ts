/**
 * The parent side of child processes: benchmarked servers (forked with an IPC channel) and the CLI
 * runs of the start-up bench. Every child is registered so `killAll()` can end it whatever happens:
 * the bench must never leave a process or a port behind.
 */
import { execFileSync, fork, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandNodeFlags } from '../../src/bin/bundle.js';

/** The IPC protocol of servers/child.mjs. */
type ToChild = { type: 'memory' } | { type: 'cpu' } | { type: 'stop' };
type FromChild =
  | { type: 'ready'; port: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'cpu'; usage: NodeJS.CpuUsage }
  | { type: 'failed'; error: string };

const live = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills every child still running (SIGKILL after a grace period), by its own pid only. */
export async function killAll(graceMs = 1000): Promise<void> {
  const running = [...live].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill('SIGTERM');
  await Promise.race([
    Promise.all(running.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined))),
    new Promise((r) => setTimeout(r, graceMs).unref()),
  ]);
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO_DIR, 'src/bin/iiot.js');
const TRIED_FLAGS = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
/**
 * The Node flags of the bot's processes: those production runs with (on the `iiot` command's shebang
 * line, none today), plus BENCH_NODE_FLAGS to try others on every benchmarked process.
 */
export const NODE_FLAGS = [...commandNodeFlags(), ...TRIED_FLAGS];
/** The baselines run as a bare app is run, `node app.mjs`: only BENCH_NODE_FLAGS. */
export const BASELINE_NODE_FLAGS = TRIED_FLAGS;

export interface ServerChild {
  name: string;
  port: number;
  url: string;
  memory(): Promise<NodeJS.MemoryUsage>;
  cpu(): Promise<NodeJS.CpuUsage>;
  stop(): Promise<void>;
}

/** Builds dist/ from the sources (`npm run build`), so the bench measures the code as it is. */
export function buildDist(): void {
  execFileSync(process.execPath, [join(REPO_DIR, 'src/bin/build.mjs')], { stdio: 'inherit' });
}

/**
 * Forks `servers/<script>.mjs` (plain JavaScript; the bot's is dist/, as in production) and waits for
 * it to listen. Memory readings come after full GCs (servers/child.mjs exposes gc() when asked). The child
 * inherits stderr, so its warnings show in the bench output.
 */
export async function startServer(script: string, args: string[], timeoutMs = 15_000): Promise<ServerChild> {
  // BENCH_CPU_PROF=<dir> profiles every server child (written when it stops), to find out why.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = track(fork(`${BENCH_DIR}servers/${script}.mjs`, args, {
    execArgv: [...(script === 'bot' ? NODE_FLAGS : BASELINE_NODE_FLAGS), ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: REPO_DIR,
  }));
  const next = <T extends FromChild['type']>(type: T): Promise<Extract<FromChild, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${script}: no "${type}" reply within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (msg: FromChild) => {
        if (msg.type === 'failed') done(new Error(`${script} failed to start:\n${msg.error}`));
        else if (msg.type === type) done(undefined, msg as Extract<FromChild, { type: T }>);
      };
      const onExit = (code: number | null) => done(new Error(`${script} exited (${code}) before "${type}"`));
      const done = (err?: Error, msg?: Extract<FromChild, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(msg!);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = <T extends 'memory' | 'cpu'>(type: T) => {
    const reply = next(type);
    child.send({ type } satisfies ToChild);
    return reply;
  };
  let port: number;
  try {
    port = (await next('ready')).port;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    name: script,
    port,
    url: `http://127.0.0.1:${port}`,
    memory: async () => (await ask('memory')).usage,
    cpu: async () => (await ask('cpu')).usage,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      if (!child.connected) return void child.kill('SIGKILL');
      child.send({ type: 'stop' } satisfies ToChild);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Spawns a plain child (the CLI) that `killAll` will clean up if the bench is interrupted. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  return track(spawn(command, args, options));
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is released before returning). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
