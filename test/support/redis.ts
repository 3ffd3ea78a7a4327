/**
 * A real redis-server for the tests that involve Redis: its own process on a free loopback port, no
 * persistence, in a temporary directory; stopped (and startable again on the same port) by the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INSTALL_HINT = 'redis-server is not on PATH: the Redis tests need it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)';

const onPath = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Makes sure redis-server can be run: installs Debian's package when it is missing and this is root
 * with apt-get (as .ci/run does), else fails with one line saying how. Never skips the Redis tests.
 */
export function ensureRedisServer(): void {
  if (onPath()) return;
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (canApt) {
    const apt = (...args: string[]) =>
      spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    process.stderr.write('redis-server is not on PATH: installing Debian\'s package for the Redis tests\n');
    apt('update', '-qq');
    apt('install', '-y', '-qq', 'redis-server');
    if (onPath()) return;
  }
  throw new Error(INSTALL_HINT);
}

/** A loopback port nothing listens on (right now). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export class RedisServer {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'iiot-redis-'));

  private constructor(readonly port: number, readonly password?: string) {}

  /** The URL a client connects with (the password in it, when the server requires one). */
  get url(): string {
    return `redis://${this.password ? `:${encodeURIComponent(this.password)}@` : ''}127.0.0.1:${this.port}`;
  }

  /**
   * Starts a server on `port`, or on a free port (retrying if another process takes it first);
   * with `password`, clients must authenticate (`requirepass`).
   */
  static async start(port?: number, options: { password?: string } = {}): Promise<RedisServer> {
    if (!onPath()) throw new Error(INSTALL_HINT);
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(port ?? (await freePort()), options.password);
      try {
        await server.resume();
        return server;
      } catch (err) {
        server.removeDir();
        if (port !== undefined || attempt >= 5 || !/already in use/i.test(String(err))) throw err;
      }
    }
  }

  /** (Re)starts the process on this server's port; resolves once it accepts connections. */
  async resume(): Promise<void> {
    if (this.child) return;
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--loglevel', 'notice',
      ...(this.password ? ['--requirepass', this.password] : []),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) on port ${this.port}: ${output.trim().split('\n').pop()}`)));
    });
    this.child = child;
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      if (this.child === child) this.child = undefined;
    });
    await ready;
  }

  /** Stops the process (the port goes quiet); `resume()` brings it back, empty. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Freezes the process: connections stay open, commands get no answer (a hung Redis). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  unpause(): void {
    this.child?.kill('SIGCONT');
  }

  async close(): Promise<void> {
    this.unpause();
    await this.stop();
    this.removeDir();
  }

  private removeDir(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
