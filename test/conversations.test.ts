/**
 * The conversation store (platforms/conversations.ts): what is kept of a conversation (ids and
 * intent, never words), for how long per kind of conversation, its bound, and what a store that
 * fails, hangs or holds something odd costs (the context, never the answer). Plus its setting.
 */
import { describe, expect, it } from 'vitest';
import { converse } from '../src/core/handle.js';
import type { ConversationContext } from '../src/core/types.js';
import { ConfigError, loadConfig } from '../src/infra/config.js';
import { MemoryStore, type Store } from '../src/infra/store.js';
import {
  COMMAND_TTL_MS, createConversations, DEFAULT_WINDOW_MS, MAX_ENTRY_CHARS, MAX_IDS, THREAD_TTL_MS, type Conversation,
} from '../src/platforms/conversations.js';
import { capturingLogger, type LogLine } from './support/logs.js';

const hubei = converse({ text: '湖北', platform: 'slack' }).context!;
const thread: Conversation = { key: 'C1:1700000000.000100', span: 'thread' };
const dm: Conversation = { key: 'D1', span: 'dm' };
const command: Conversation = { key: 'cmd:C1:U1', span: 'command' };
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(store?: Store, windowMs?: number) {
  let now = 0;
  const memory = new MemoryStore(1000, () => now);
  const logs: LogLine[] = [];
  const conversations = createConversations({ store: store ?? memory, platform: 'slack', logger: capturingLogger(logs), windowMs, recallTimeoutMs: 50 });
  return { conversations, memory, logs, advance: (ms: number) => { now += ms; } };
}

describe('createConversations', () => {
  it('hands back the context kept for a conversation, and only for that one', async () => {
    const { conversations } = setup();
    conversations.keep(thread, hubei);
    await settle();
    expect(await conversations.recall(thread)).toEqual({ context: hubei });
    expect(await conversations.recall({ key: 'C1:1700000000.000200', span: 'thread' })).toBeUndefined();
    expect(await conversations.recall(undefined)).toBeUndefined();
  });

  it('remembers that the bot answered, even with nothing to refer back to (help, a question not understood)', async () => {
    const { conversations } = setup();
    conversations.keep(thread, undefined);
    await settle();
    expect(await conversations.recall(thread)).toEqual({});
  });

  it('keeps the context as the core returned it: ids and the intent, not the question', async () => {
    const { conversations, memory } = setup();
    const turn = converse({ text: '湖北是哪个梯队', platform: 'slack' });
    conversations.keep(dm, turn.context);
    await settle();
    const raw = await memory.get('conv:slack:D1');
    expect(raw).not.toContain('梯队');
    expect(JSON.parse(raw!)).toEqual({ context: turn.context });
    expect(Object.keys(turn.context!)).toEqual(expect.arrayContaining(['intent', 'lang', 'regionIds']));
  });

  it('keeps the context of every kind of answer the core gives (a person, a ranking, a sub-index …), not only the first kinds', async () => {
    const { conversations } = setup();
    for (const text of ['胡坚波是谁', '哪个省排名第一', '基础设施建设指数', '谁发布的报告', '湖北', '长三角']) {
      const turn = converse({ text, platform: 'slack' });
      conversations.keep(thread, turn.context);
      await settle();
      expect(await conversations.recall(thread), text).toEqual({ context: turn.context });
    }
  });

  it('lets a thread last a day, a DM its window, a /iiot a few minutes; each answer renews it', async () => {
    const { conversations, advance } = setup(undefined, 30 * 60_000);
    expect([THREAD_TTL_MS, DEFAULT_WINDOW_MS, COMMAND_TTL_MS]).toEqual([24 * 3_600_000, 30 * 60_000, 5 * 60_000]);
    for (const c of [thread, dm, command]) conversations.keep(c, hubei);
    await settle();
    advance(COMMAND_TTL_MS + 1);
    expect(await conversations.recall(command)).toBeUndefined();
    expect(await conversations.recall(dm)).toBeDefined();
    conversations.keep(dm, hubei); // an answer in the DM: its window starts again
    await settle();
    advance(DEFAULT_WINDOW_MS - 1);
    expect(await conversations.recall(dm)).toBeDefined();
    advance(2);
    expect(await conversations.recall(dm)).toBeUndefined();
    expect(await conversations.recall(thread)).toBeDefined();
    advance(THREAD_TTL_MS);
    expect(await conversations.recall(thread)).toBeUndefined();
  });

  it('keeps a context too large to keep as none, and reads back an odd or corrupted value as none', async () => {
    const { conversations, memory } = setup();
    conversations.keep(thread, { ...hubei, regionIds: Array.from({ length: MAX_IDS + 1 }, (_, i) => `r${i}`) });
    conversations.keep(dm, { ...hubei, padding: 'x'.repeat(MAX_ENTRY_CHARS) } as ConversationContext);
    await settle();
    expect(await conversations.recall(thread)).toEqual({});
    expect(await conversations.recall(dm)).toEqual({});
    for (const [raw, kept] of [
      ['not json', undefined],
      ['null', undefined],
      ['{"context":{"intent":"region","lang":"fr","regionIds":[],"groupIds":[],"tierIds":[],"strategyIds":[],"metricIds":[]}}', {}],
      ['{"context":{"intent":"hack","lang":"zh"}}', {}],
      [JSON.stringify({ context: { ...hubei, regionIds: ['<script>'] } }), {}],
    ] as const) {
      await memory.set('conv:slack:D1', raw, 60_000);
      expect(await conversations.recall(dm), raw).toEqual(kept);
    }
  });

  it('answers on its own when the store fails or hangs: no context, one warning, never an error', async () => {
    const failing: Store = { claim: async () => true, get: async () => { throw new Error('ECONNRESET'); }, set: async () => { throw new Error('ECONNRESET'); } };
    const { conversations, logs } = setup(failing);
    expect(await conversations.recall(thread)).toBeUndefined();
    conversations.keep(thread, hubei);
    await settle();
    expect(await conversations.recall(thread)).toBeUndefined();
    expect(logs).toEqual([{ level: 'warn', text: expect.stringMatching(/^slack: conversation recall failed.*ECONNRESET$/) }]);

    const hanging: Store = { claim: async () => true, get: () => new Promise(() => {}), set: () => new Promise(() => {}) };
    const slow = setup(hanging);
    expect(await slow.conversations.recall(thread)).toBeUndefined();
    expect(slow.logs.map((l) => l.level)).toEqual(['warn']);
  });
});

describe('CONVERSATION_WINDOW_MINUTES', () => {
  it('is 30 minutes unless set, in whole minutes from 1 to a day', () => {
    expect(loadConfig({}).conversationWindowMs).toBe(30 * 60_000);
    expect(loadConfig({ CONVERSATION_WINDOW_MINUTES: '5' }).conversationWindowMs).toBe(5 * 60_000);
    for (const bad of ['0', '1441', '2.5', 'half an hour']) {
      expect(() => loadConfig({ CONVERSATION_WINDOW_MINUTES: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ CONVERSATION_WINDOW_MINUTES: bad })).toThrow(/^CONVERSATION_WINDOW_MINUTES is not valid: whole minutes/);
    }
  });
});
