/**
 * Neutral card → Slack Block Kit. Escaping and every Block Kit limit live here and nowhere else:
 * the adapter only moves what this returns.
 */
import type { types } from '@slack/bolt';
import type { Answer, Card, CardAction, CardSection, Lang } from '../core/types.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;
type MrkdwnElement = types.MrkdwnElement;

/** Block Kit limits (PLATFORMS.md A6). `blockChars` is our own budget for the JSON of all blocks. */
export const SLACK_LIMITS = {
  blocks: 50,
  homeBlocks: 100,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actions: 25,
  buttonText: 75,
  buttonValue: 2000,
  id: 255,
  imageUrl: 3000,
  altText: 2000,
  /** Slack answers `msg_blocks_too_long` near 13.2k characters (bolt-js#2509); keep a margin. */
  blockChars: 12_000,
  /** The notification/screen-reader fallback; Slack truncates long `text` anyway. */
  fallbackText: 3000,
} as const;

/** Every card button shares this action_id prefix, so one listener serves them all. */
export const ACTION_PREFIX = 'iiot:';
/** Slack-only buttons: "Share in channel" on ephemeral answers, "Back to overview" on App Home. */
export const SHARE_ACTION_ID = `${ACTION_PREFIX}share`;
export const HOME_ACTION_ID = `${ACTION_PREFIX}home`;

export interface SlackMessage {
  /** mrkdwn fallback for notifications and screen readers; required next to `blocks`. */
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Language of Slack-only labels (share button, trim notice); bilingual when unknown. */
  lang?: Lang;
  /** Adds "Share in channel" whose value is this command text (ephemeral slash-command answers). */
  share?: string;
  /**
   * Where Slack fetches the card's picture (the bot's own `/pictures/<hash>.png`): an image block by
   * `image_url`. Without it the card has no image (a file uploaded into no channel would not show).
   */
  pictureUrl?: string;
  maxBlocks?: number;
  maxChars?: number;
}

const LABELS = {
  share: { zh: '分享到频道', en: 'Share in channel' },
  home: { zh: '返回概览', en: 'Back to overview' },
  trimmed: {
    zh: '（内容较长，Slack 消息里只放得下前面一部分。请把问题问得更具体些。）',
    en: '(Trimmed to fit one Slack message. Ask a narrower question to see the rest.)',
  },
  failed: { zh: '抱歉，出错了，请稍后再试。', en: 'Sorry, something went wrong. Please try again.' },
} as const;

function label(key: keyof typeof LABELS, lang?: Lang): string {
  return lang ? LABELS[key][lang] : `${LABELS[key].zh} / ${LABELS[key].en}`;
}

const MRKDWN_CONTROL = /[&<>]/;

/**
 * mrkdwn treats only `&`, `<` and `>` as control characters (`<!channel>`, `<@U123>`, `<url|label>`),
 * so escaping these three makes any text inert. Nothing else is entity-encoded.
 */
export function escapeMrkdwn(text: string): string {
  // Most text has none of the three: one scan instead of three replacements.
  if (!MRKDWN_CONTROL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts to `max` UTF-16 units with an ellipsis, never inside a surrogate pair, nor (for escaped mrkdwn)
 * inside an `&amp;`-style entity, which would leave a dangling `&`.
 */
export function truncate(text: string, max: number, escaped = false): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  if (escaped) cut = cut.replace(/&[a-z]{0,3}$/, '');
  return `${cut}…`;
}

function mrkdwn(text: string, max: number): MrkdwnElement {
  // verbatim: Slack must not auto-link channel names or parse `@here` typed as plain words.
  return { type: 'mrkdwn', text: truncate(text, max, true), verbatim: true };
}

function plain(text: string, max: number): types.PlainTextElement {
  // plain_text is never parsed for mentions or links, so it is not escaped (escapes would show literally).
  return { type: 'plain_text', text: truncate(text.trim() || '…', max), emoji: true };
}

/** One neutral section → one or more section blocks (long text and >10 fields are split, not lost). */
function sectionBlocks(section: CardSection): KnownBlock[] {
  const out: KnownBlock[] = [];
  const lines: string[] = [];
  if (section.heading) lines.push(`*${escapeMrkdwn(section.heading)}*`);
  if (section.text) lines.push(...escapeMrkdwn(section.text).split('\n'));
  for (const item of section.items ?? []) lines.push(`• ${escapeMrkdwn(item)}`);
  // Split between lines, so a long text becomes several sections rather than being cut.
  for (const chunk of chunkLines(lines, SLACK_LIMITS.sectionText)) {
    out.push({ type: 'section', text: mrkdwn(chunk, SLACK_LIMITS.sectionText) });
  }
  const fields = (section.fields ?? []).map((f) =>
    mrkdwn(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText));
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields) {
    out.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fields) });
  }
  return out;
}

/** Packs lines into chunks of at most `max` characters; a single overlong line is cut. */
function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (!line.trim() && !current) continue; // keep paragraph breaks, but never open a chunk with one
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= max) current = next;
    else {
      if (current) chunks.push(current);
      current = truncate(line, max, true);
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

function button(text: string, actionId: string, value: string, style?: CardAction['style']): Button {
  const b: Button = { type: 'button', text: plain(text, SLACK_LIMITS.buttonText), action_id: actionId, value };
  if (style === 'primary') b.style = 'primary';
  return b;
}

/** Buttons whose command does not fit a button value are dropped: a cut command would answer something else. */
function actionBlocks(buttons: Button[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK_LIMITS.actions) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + SLACK_LIMITS.actions) });
  }
  return out;
}

function cardButtons(card: Card, opts: RenderOptions): Button[] {
  const buttons = card.actions
    .filter((a) => a.command.length > 0 && a.command.length <= SLACK_LIMITS.buttonValue)
    .map((a, i) => button(a.label, `${ACTION_PREFIX}${i}`, a.command, a.style));
  const share = opts.share?.trim() || undefined;
  if (share !== undefined && share.length <= SLACK_LIMITS.buttonValue) {
    buttons.push(button(label('share', opts.lang), SHARE_ACTION_ID, share, 'primary'));
  }
  return buttons;
}

function size(blocks: KnownBlock[]): number {
  return JSON.stringify(blocks).length;
}

/** Plain-text summary of the card for `text`; escaped because message `text` is mrkdwn. */
export function fallbackText(card: Card): string {
  const body = card.sections.map((s) => [s.heading, s.text, ...(s.items ?? []), ...(s.fields ?? []).map((f) => `${f.label}: ${f.value}`)]);
  // The subtitle is often said again, in full, at the top of the card ("Tier: Rapid Rise" and then
  // "Tier: Rapid Rise (one of 11)"): a notification says it once.
  const subtitle = card.subtitle && !(body[0] ?? []).some((p) => p && restates(p, card.subtitle!)) ? card.subtitle : undefined;
  const text = [card.title, subtitle, card.followUp, ...body.flat()].filter((p): p is string => !!p && p.trim().length > 0).join('\n');
  return truncate(escapeMrkdwn(text || card.title || 'iiot'), SLACK_LIMITS.fallbackText, true);
}

/** Words as compared by restates(): Han characters one by one (Chinese has no spaces), other words whole. */
const words = (text: string): string[] => text.toLowerCase().match(/\p{Script=Han}|[\p{L}\p{N}]+/gu) ?? [];

/** Whether `line` has every word of `short`: "梯队: 快速崛起（11个地区之一）" restates "快速崛起梯队". */
function restates(line: string, short: string): boolean {
  const have = new Set(words(line));
  const wanted = words(short);
  return wanted.length > 0 && wanted.every((w) => have.has(w));
}

/**
 * Renders a card within Slack's limits. It never fails on a long card: body blocks that do not fit
 * are dropped (the last one shortened where possible) and a notice says so; the header, source and
 * buttons are kept, so next/previous navigation survives.
 */
export function renderSlackCard(card: Card, opts: RenderOptions = {}): SlackMessage {
  const { text, blocks } = layoutCard(card, opts);
  return { text, blocks };
}

/**
 * The card laid out within the limits, and, when it fit as it is (nearly always), the JSON of its
 * blocks that the size check made: whoever sends the message as JSON reuses it (renderSlackJson).
 */
function layoutCard(card: Card, opts: RenderOptions): SlackMessage & { blocksJson?: string } {
  const maxBlocks = opts.maxBlocks ?? SLACK_LIMITS.blocks;
  const maxChars = opts.maxChars ?? SLACK_LIMITS.blockChars;
  const head: KnownBlock[] = [{ type: 'header', text: plain(card.title, SLACK_LIMITS.header) }];
  if (card.subtitle?.trim()) head.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(card.subtitle), SLACK_LIMITS.contextText)] });
  // What a follow-up took from the conversation, in the same small print as the subtitle.
  if (card.followUp?.trim()) head.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(card.followUp), SLACK_LIMITS.contextText)] });
  const body: KnownBlock[] = card.sections.flatMap(sectionBlocks);
  if (card.image && opts.pictureUrl) body.push(imageBlock(card, opts.pictureUrl));
  const tail: KnownBlock[] = [];
  if (card.source?.trim()) tail.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(card.source), SLACK_LIMITS.contextText)] });
  tail.push(...actionBlocks(cardButtons(card, opts)));

  const fits = (blocks: KnownBlock[]) => blocks.length <= maxBlocks && size(blocks) <= maxChars;
  const all = [...head, ...body, ...tail];
  if (all.length <= maxBlocks) {
    const blocksJson = JSON.stringify(all);
    if (blocksJson.length <= maxChars) return { text: fallbackText(card), blocks: all, blocksJson };
  }

  const notice: KnownBlock = { type: 'context', elements: [mrkdwn(label('trimmed', opts.lang), SLACK_LIMITS.contextText)] };
  const kept: KnownBlock[] = [...head];
  for (const block of body) {
    if (fits([...kept, block, notice, ...tail])) { kept.push(block); continue; }
    const shortened = shorten(block, (b) => fits([...kept, b, notice, ...tail]));
    if (shortened) kept.push(shortened);
    break;
  }
  const blocks = [...kept, notice, ...tail];
  // Last resort for absurd cards (hundreds of buttons): drop trailing button rows until it fits.
  while (!fits(blocks) && blocks.length > 1 && blocks[blocks.length - 1].type === 'actions') blocks.pop();
  while (!fits(blocks) && blocks.length > 1) blocks.splice(blocks.length - 2, 1);
  return { text: fallbackText(card), blocks };
}

/** Shortens a section block until `ok` accepts it: text is cut, fields are dropped from the end. */
function shorten(block: KnownBlock, ok: (b: KnownBlock) => boolean): KnownBlock | undefined {
  if (block.type !== 'section') return undefined;
  if (block.fields) {
    for (let n = block.fields.length - 1; n > 0; n--) {
      const candidate: KnownBlock = { ...block, fields: block.fields.slice(0, n) };
      if (ok(candidate)) return candidate;
    }
    return undefined;
  }
  const text = block.text?.text ?? '';
  for (let n = text.length - 200; n >= 200; n -= 200) {
    const candidate: KnownBlock = { ...block, text: mrkdwn(truncate(text, n, true), SLACK_LIMITS.sectionText) };
    if (ok(candidate)) return candidate;
  }
  return undefined;
}

function imageBlock(card: Card, url: string): KnownBlock {
  return { type: 'image', image_url: url, alt_text: truncate(card.image?.alt || card.title, SLACK_LIMITS.altText) };
}

/** An answer as a message; Slack-only labels follow the answer's language. */
export function renderSlackAnswer(answer: Answer, opts: Omit<RenderOptions, 'lang'> = {}): SlackMessage {
  return renderSlackCard(answer.card, { ...opts, lang: answer.lang });
}

/**
 * The JSON of `{...fields, ...renderSlackAnswer(answer, opts)}` (the failure message without an
 * answer), byte for byte, for a reply written straight to the HTTP response: the blocks are
 * serialised once, by the size check, not a second time for sending.
 */
export function renderSlackJson(answer: Answer | undefined, opts: Omit<RenderOptions, 'lang'>, fields: Record<string, string> = {}): string {
  const message: SlackMessage & { blocksJson?: string } = answer ? layoutCard(answer.card, { ...opts, lang: answer.lang }) : renderSlackFailure();
  const head = JSON.stringify(fields).slice(1, -1);
  return `{${head}${head ? ',' : ''}"text":${JSON.stringify(message.text)},"blocks":${message.blocksJson ?? JSON.stringify(message.blocks)}}`;
}

/** What a user sees when the core itself failed: a plain apology, never a stack trace. */
export function renderSlackFailure(lang?: Lang): SlackMessage {
  const text = label('failed', lang);
  return { text, blocks: [{ type: 'section', text: mrkdwn(text, SLACK_LIMITS.sectionText) }] };
}

/**
 * The App Home view: one or more answers (the overview in each language, or a clicked answer), split by
 * dividers, within the Home tab's 100 blocks. `back` adds a "Back to overview" button.
 */
export function renderSlackHome(answers: Answer[], opts: { back?: Lang | 'both' } = {}): types.HomeView {
  const per = Math.floor((SLACK_LIMITS.homeBlocks - (answers.length - 1) - (opts.back ? 1 : 0)) / Math.max(1, answers.length));
  const blocks: KnownBlock[] = [];
  answers.forEach((answer, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...renderSlackCard(answer.card, { lang: answer.lang, maxBlocks: per }).blocks);
  });
  if (opts.back) {
    const lang = opts.back === 'both' ? undefined : opts.back;
    blocks.push({ type: 'actions', elements: [button(label('home', lang), HOME_ACTION_ID, lang ?? 'both')] });
  }
  return { type: 'home', blocks: renumberActions(blocks) };
}

/** Action ids must be unique within a view; cards rendered side by side would repeat `iiot:0`. */
function renumberActions(blocks: KnownBlock[]): KnownBlock[] {
  let n = 0;
  return blocks.map((b) => {
    if (b.type !== 'actions') return b;
    return {
      ...b,
      elements: b.elements.map((e) =>
        e.type === 'button' && e.action_id && /^iiot:\d+$/.test(e.action_id) ? { ...e, action_id: `${ACTION_PREFIX}${n++}` } : e),
    };
  });
}
