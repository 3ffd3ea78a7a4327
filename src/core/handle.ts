// TEMPORARY STUB: the real handler is being written; the signature is final.
import type { Answer, Inbound } from './types.js';

export function handle(inbound: Inbound): Answer {
  const lang = /[\u3400-\u9fff]/.test(inbound.text) ? 'zh' : 'en';
  return {
    intent: 'help', lang, regionIds: [], tierIds: [], strategyIds: [], metricIds: [],
    card: { title: 'iiot', tone: 'info', sections: [{ text: inbound.text }], source: 'source', actions: [{ label: 'Tiers', command: 'tier' }] },
  };
}

/** The overview (four tiers with member counts, headline figures, how to ask): Slack's App Home. */
export function overview(lang: 'zh' | 'en'): Answer {
  return { ...handle({ text: 'overview', platform: 'cli', lang }), intent: 'help' };
}
