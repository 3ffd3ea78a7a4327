/**
 * The Store on Redis, shared by every replica of one bot. Client: ioredis — widely used, typed,
 * reconnects by itself, and has what a bot that must never wait on its store needs built in: a
 * per-command timeout, an offline queue that can be turned off, and a key prefix.
 *
 * A store that is down must not cost a reply: while Redis is unreachable (at start or mid-run), or a
 * command fails or times out, this replica falls back to its own bounded memory (a duplicate across
 * replicas is possible then; a lost reply is not). One warning when that starts, one line when Redis
 * is back; never one per event. What this replica claimed meanwhile is written to Redis when it is
 * back, so a platform's retry of an event answered during the outage is not answered again by a peer.
 */
import { Redis } from 'ioredis';
import type { RedisConfig } from './config.js';
import type { Logger } from './log.js';
import { MemoryStore, type Store } from './store.js';

export interface RedisStoreOptions {
  /** Longest wait for any one command (and for each connection attempt) before falling back. */
  timeoutMs?: number;
}

/** After a failed command on an open connection (a hung Redis), memory alone answers this long. */
const COOL_DOWN_MS = 5000;

/**
 * The pause between reconnect attempts, short and fixed. While this replica is cut off, it and its
 * peers each answer from their own memory, so every event that reaches two of them is answered
 * twice; once Redis is back, that lasts until the next attempt. ioredis's usual growing backoff (here
 * once up to 2 s) kept replicas answering twice for up to that long after Redis had returned. A
 * refused connection costs next to nothing, and an unreachable host is tried once per connect timeout.
 */
export const RECONNECT_INTERVAL_MS = 100;

/** Claims made from memory during one outage that are written back; past it the oldest are forgotten. */
const MAX_OFFLINE_CLAIMS = 10_000;

export class RedisStore implements Store {
  private readonly client: Redis;
  /** This replica's own memory: used while Redis is down, and remembers what was claimed meanwhile. */
  private readonly local = new MemoryStore();
  private degraded = false;
  private closing = false;
  private skipUntil = 0;
  /** Keys claimed from memory while Redis was away, with their expiry (epoch ms), oldest first. */
  private readonly offlineClaims = new Map<string, number>();

  private constructor(config: RedisConfig, private readonly logger: Logger, timeoutMs: number) {
    this.client = new Redis(config.url, {
      keyPrefix: config.keyPrefix,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      // Fail at once while disconnected instead of queueing without bound; no re-send after a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Keep trying for as long as the bot runs.
      retryStrategy: () => RECONNECT_INTERVAL_MS,
    });
    this.client.on('error', (err) => this.fellBack(err));
    this.client.on('close', () => this.fellBack(new Error('connection lost')));
    this.client.on('ready', () => this.recovered());
  }

  /** Connects, waiting at most one attempt: a Redis that is down at start is only a warning. */
  static async open(config: RedisConfig, logger: Logger, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const store = new RedisStore(config, logger, options.timeoutMs ?? 1000);
    await store.client.connect().then(
      () => logger.info(`redis: connected; keys under ${config.keyPrefix}`),
      (err) => store.fellBack(err),
    );
    return store;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.attempt(
      // A key this replica claimed while Redis was down is not a first delivery either.
      async () => (await this.client.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK' && (await this.local.get(key)) === undefined,
      async () => {
        const first = await this.local.claim(key, ttlMs);
        if (first) this.rememberOfflineClaim(key, Date.now() + ttlMs);
        return first;
      },
    );
  }

  private rememberOfflineClaim(key: string, expiry: number): void {
    this.offlineClaims.set(key, expiry);
    if (this.offlineClaims.size > MAX_OFFLINE_CLAIMS) this.offlineClaims.delete(this.offlineClaims.keys().next().value!);
  }

  /** Claims the keys claimed from memory during the outage in Redis too (NX: a peer's claim stands). */
  private async writeBackOfflineClaims(): Promise<void> {
    if (this.offlineClaims.size === 0) return;
    const batch = this.client.pipeline();
    const now = Date.now();
    for (const [key, expiry] of this.offlineClaims) if (expiry > now) batch.set(key, '1', 'PX', expiry - now, 'NX');
    const count = this.offlineClaims.size;
    this.offlineClaims.clear();
    try {
      await batch.exec();
    } catch (err) {
      this.logger.warn(`redis: could not record the ${count} deliveries claimed during the outage (${(err as Error).message}); a retry of one may be answered twice`);
    }
  }

  async get(key: string): Promise<string | undefined> {
    return this.attempt(async () => (await this.client.get(key)) ?? this.local.get(key), () => this.local.get(key));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.attempt(async () => { await this.client.set(key, value, 'PX', ttlMs); }, () => this.local.set(key, value, ttlMs));
  }

  /** Connected and answering (false while a hung Redis is being waited out). */
  ready(): boolean {
    return this.connected() && !this.degraded;
  }

  /** Quits politely when connected (bounded by the command timeout), then drops the socket. */
  async close(): Promise<void> {
    this.closing = true;
    try {
      if (this.connected()) await this.client.quit();
    } catch {
      // Closing anyway.
    } finally {
      this.client.disconnect();
    }
  }

  private connected(): boolean {
    return this.client.status === 'ready' && !this.closing;
  }

  private async attempt<T>(viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> {
    if (!this.connected()) {
      this.fellBack(new Error('not connected'));
    } else if (Date.now() >= this.skipUntil) {
      try {
        const result = await viaRedis();
        this.recovered();
        return result;
      } catch (err) {
        // Connected but failing (timed out, or an error reply): don't make every event wait on it.
        this.skipUntil = Date.now() + COOL_DOWN_MS;
        this.fellBack(err);
      }
    }
    return viaMemory();
  }

  private fellBack(err: unknown): void {
    if (this.degraded || this.closing) return;
    this.degraded = true;
    const reason = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
    this.logger.warn(`redis: unreachable (${reason}); deduplication and caches use this replica's memory until it is back`);
  }

  private recovered(): void {
    this.skipUntil = 0;
    if (!this.degraded || this.closing) return;
    this.degraded = false;
    this.logger.info('redis: reachable again; deduplication and caches are shared again');
    void this.writeBackOfflineClaims();
  }
}
