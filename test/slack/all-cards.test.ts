/**
 * Every card the bot can produce (every region, tier, path, figure, the comparison of all 31 regions,
 * help, errors, in both languages), rendered every way Slack shows it, checked against every Block Kit
 * limit by the fake Slack's own checker.
 */
import { describe, expect, it } from 'vitest';
import { overview } from '../../src/core/handle.js';
import type { Answer } from '../../src/core/types.js';
import { renderSlackAnswer, renderSlackHome, SHARE_ACTION_ID, SLACK_LIMITS } from '../../src/render/slack.js';
import { blockKitViolations } from '../fakes/slack-api.js';
import { allAnswers } from '../support/all-answers.js';

const answers: Answer[] = allAnswers();
const name = (a: Answer) => `${a.intent}/${a.lang}/${[...a.regionIds, ...a.tierIds, ...a.strategyIds, ...a.metricIds].join(',') || '-'}: ${a.card.title}`;
const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
/** The longest question Slack could hand us still fits a button value; use it for the Share button. */
const longestShare = 'x'.repeat(SLACK_LIMITS.buttonValue);

describe('every card the bot can produce', () => {
  it('is a large, bilingual set covering every intent the registry can reach', () => {
    expect(answers.length).toBeGreaterThan(60);
    expect(new Set(answers.map((a) => a.lang))).toEqual(new Set(['zh', 'en']));
    for (const intent of ['help', 'region', 'tier', 'path', 'metrics', 'compare']) {
      expect(answers.some((a) => a.intent === intent), intent).toBe(true);
    }
    expect(answers.some((a) => a.intent === 'compare' && a.regionIds.length === 31), 'compare all 31').toBe(true);
  });

  it('renders within every limit as a message, as an ephemeral answer with Share, and on App Home', () => {
    const failures: string[] = [];
    for (const a of answers) {
      const plain = renderSlackAnswer(a);
      const shared = renderSlackAnswer(a, { share: longestShare });
      const home = renderSlackHome([a], { back: a.lang });
      const check = (what: string, errors: string[]) => { if (errors.length) failures.push(`${name(a)} [${what}]: ${errors.join('; ')}`); };
      check('message', blockKitViolations(plain.blocks));
      check('ephemeral', blockKitViolations(shared.blocks));
      check('home', blockKitViolations(home.blocks, { maxBlocks: SLACK_LIMITS.homeBlocks, maxChars: Infinity }));
      if (!plain.text || plain.text.length > SLACK_LIMITS.fallbackText) failures.push(`${name(a)}: fallback text length ${plain.text.length}`);
      if (!buttons(shared.blocks).some((b: any) => b.action_id === SHARE_ACTION_ID)) failures.push(`${name(a)}: no Share button`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps every button (next/previous, tiers, the Shanxi/Shaanxi choice), with its command as the value', () => {
    const failures: string[] = [];
    for (const a of answers) {
      const got = buttons(renderSlackAnswer(a).blocks).map((b: any) => b.value);
      const want = a.card.actions.map((x) => x.command);
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${name(a)}: buttons ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    }
    expect(failures).toEqual([]);
  });

  it('never needs trimming: the core splits long answers itself, so nothing is cut off', () => {
    const trimmed = answers
      .filter((a) => JSON.stringify(renderSlackAnswer(a).blocks).includes(a.lang === 'zh' ? '内容较长' : 'Trimmed to fit'))
      .map(name);
    expect(trimmed).toEqual([]);
  });

  it('fits the App Home overview in both languages at once', () => {
    const view = renderSlackHome([overview('zh'), overview('en')]);
    expect(blockKitViolations(view.blocks, { maxBlocks: SLACK_LIMITS.homeBlocks, maxChars: Infinity })).toEqual([]);
    expect(JSON.stringify(view)).not.toMatch(/内容较长|Trimmed to fit/);
  });
});
