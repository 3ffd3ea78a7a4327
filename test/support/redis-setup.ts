/** vitest globalSetup: once per run, before any suite, make sure the Redis suites can start redis-server. */
import { ensureRedisServer } from './redis.js';

export default function setup(): void {
  ensureRedisServer();
}
