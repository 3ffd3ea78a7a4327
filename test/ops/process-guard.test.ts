/**
 * A serving process survives an unhandled rejection and an uncaught exception: each is logged
 * once, as JSON, and the process keeps answering. (Without the guard, Node 20 exits on either.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/guarded-child.ts', import.meta.url));
let child: ChildProcess | undefined;
afterAll(() => { if (child?.exitCode === null) child.kill('SIGTERM'); });

it('logs an unhandled rejection and an uncaught exception, and keeps serving', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const [first] = await once(child.stdout!, 'data');
  const origin = `http://127.0.0.1:${String(first).trim()}`;
  const errors = () => stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.level === 'error');

  await fetch(`${origin}/reject`);
  await fetch(`${origin}/throw`);
  const deadline = Date.now() + 10_000;
  while (errors().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));

  expect(await (await fetch(`${origin}/alive`)).text()).toBe('ok');
  expect(child.exitCode).toBeNull();
  expect(errors()).toEqual([
    expect.objectContaining({ msg: expect.stringMatching(/^unhandled rejection .*nobody awaits me/), err: expect.objectContaining({ message: 'nobody awaits me' }) }),
    expect.objectContaining({ msg: expect.stringMatching(/^uncaught exception .*thrown in a timer/), err: expect.objectContaining({ message: 'thrown in a timer' }) }),
  ]);
}, 30_000);
