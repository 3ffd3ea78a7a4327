/**
 * Neutral card → Feishu/Lark card JSON 2.0. Escaping and Feishu's limits live here and nowhere else.
 *
 * Card strings are plain text. Anything that goes into a `markdown` element is neutralised with
 * numeric HTML entities (Feishu's documented way to show markdown characters literally), so
 * `<at id=all></at>`, `**bold**`, `[link](…)` or `:EMOJI:` typed by a user render as the
 * characters they are and never mention anyone or restyle the card. `plain_text` fields are not
 * parsed by Feishu and take the text as is.
 */
import { tierById } from '../core/data.js';
import { PICTURE_TEXT } from '../core/pictures.js';
import type { Card, CardAction, CardField, CardImage, CardSection, Lang, Tone } from '../core/types.js';

/** Feishu rejects a card/post request body over 30 KB; keep room for msg_type, uuid and JSON overhead. */
export const FEISHU_MAX_BODY_BYTES = 30_000;
const BODY_OVERHEAD_BYTES = 600;
/**
 * A per-card component limit of about 200 (error 11310) is reported but not documented; stay well
 * under it. Every object with a `tag` in the body counts.
 */
export const FEISHU_MAX_COMPONENTS = 150;
/** Caps that keep one absurd string from eating the whole budget before sections are dropped. */
const MAX_TEXT_CHARS = 4000;
const MAX_ITEMS = 60;
const MAX_FIELD_ROWS = 30;
const MAX_BUTTONS = 20;
const MAX_TITLE_CHARS = 100;
const MAX_BUTTON_LABEL_CHARS = 40;
/** A button's command travels in its callback value; the core's commands are short. */
export const MAX_COMMAND_CHARS = 500;

export type FeishuTemplate = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey';

/** Header colour per tier: the tiers descend from warm to cool; neutral answers are blue. */
export const TONE_TEMPLATE: Record<Tone, FeishuTemplate> = {
  leading: 'red',
  rising: 'orange',
  'catching-up': 'turquoise',
  nascent: 'green',
  info: 'blue',
  warning: 'yellow',
};

export interface PlainText { tag: 'plain_text'; content: string }
export interface MarkdownElement { tag: 'markdown'; content: string; text_size?: 'normal' | 'notation' }
export interface ButtonElement {
  tag: 'button';
  text: PlainText;
  type: 'primary' | 'default';
  behaviors: { type: 'callback'; value: FeishuButtonValue }[];
}
export interface ColumnElement { tag: 'column'; width?: 'auto' | 'weighted'; weight?: number; vertical_align?: 'top'; elements: FeishuElement[] }
export interface ColumnSetElement { tag: 'column_set'; flex_mode: 'none' | 'flow'; horizontal_spacing?: string; columns: ColumnElement[] }
export interface ImageElement { tag: 'img'; img_key: string; alt: PlainText }
export interface HrElement { tag: 'hr' }
/** The card's own chart component: a VChart spec, drawn by the client (sharp, no upload). */
export interface ChartElement { tag: 'chart'; chart_spec: Record<string, unknown>; aspect_ratio?: '1:1' | '2:1' | '4:3' | '16:9'; preview?: boolean }
export type FeishuElement = MarkdownElement | ButtonElement | ColumnSetElement | ColumnElement | ImageElement | HrElement | ChartElement;

/**
 * What a button carries back in `card.action.trigger`'s `action.value`: the command to run, and the
 * conversation the card belongs to (the callback names only the chat and the message, not the thread).
 */
export interface FeishuButtonValue { cmd: string; conv?: string }

export interface FeishuCard {
  schema: '2.0';
  config: { update_multi: true; summary: { content: string } };
  header: { title: PlainText; subtitle?: PlainText; template: FeishuTemplate };
  body: { elements: FeishuElement[] };
}

export interface RenderOptions {
  /** The answer's language, for the one line the renderer itself may add (a trimmed card). */
  lang?: Lang;
  /** The uploaded picture's key (`img_…`), when the card has a picture to upload and the upload succeeded. */
  imageKey?: string;
  /** The conversation the card is sent in: its buttons carry it back, so a click continues it. */
  conversation?: string;
}

/** Bar charts are the card's native chart component; only the map must be uploaded as an image. */
export function needsUpload(image: CardImage | undefined): image is CardImage {
  return image?.picture.kind === 'map';
}

/** Members per tier as a VChart bar spec; colours and labels from the picture's legend. */
export function tierBarsChart(image: CardImage, lang: Lang): ChartElement {
  const bars = image.legend.filter((e) => e.tierId && tierById.has(e.tierId));
  return {
    tag: 'chart',
    aspect_ratio: '16:9',
    chart_spec: {
      type: 'bar',
      title: { text: image.title },
      data: [{ id: 'tiers', values: bars.map((e) => ({ tier: tierById.get(e.tierId!)![lang], regions: tierById.get(e.tierId!)!.members.length })) }],
      xField: 'tier',
      yField: 'regions',
      seriesField: 'tier',
      color: bars.map((e) => e.color),
      label: { visible: true },
      legends: { visible: false },
      axes: [{ orient: 'left', title: { visible: true, text: PICTURE_TEXT[lang].regions } }, { orient: 'bottom' }],
    },
  };
}

const TRIMMED_NOTE: Record<Lang, (n: number) => string> = {
  zh: (n) => `（内容过长，省略了 ${n} 部分。请问得更具体一些。）`,
  en: (n) => `(Too long for one card: ${n} part${n === 1 ? '' : 's'} left out. Try a narrower question.)`,
};

/** Characters Feishu card markdown gives a meaning to (its escaping table plus `& = | { } ^ @`). */
const MARKDOWN_SPECIAL = /[\\`*_~#[\](){}<>!+\-|:"'$&/=@^]/g;
// Control characters other than tab and newline never belong in a card.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * Plain text → Feishu markdown that shows exactly that text. Leading indentation is dropped
 * (four spaces would start a code block), `1.` at a line start would become a list, and `a.b`
 * would become a bare link, so those dots are escaped too.
 */
export function escapeFeishuMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/^[ \t\u3000]+/gm, '')
    .replace(MARKDOWN_SPECIAL, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)\./gm, '$1&#46;')
    .replace(/\.(?=[A-Za-z0-9])/g, '&#46;');
}

/** Plain text for a `plain_text` field: one line of it, without control characters, capped. */
function plain(text: string, max: number): string {
  return truncate(text.replace(/\s*[\r\n]+\s*/g, ' ').replace(CONTROL, '').trim(), max);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // no more characters than UTF-16 units: nothing to count
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const md = (content: string, textSize?: MarkdownElement['text_size']): MarkdownElement =>
  textSize ? { tag: 'markdown', content, text_size: textSize } : { tag: 'markdown', content };

function sectionText(section: CardSection): string | undefined {
  const parts: string[] = [];
  if (section.heading) parts.push(`**${escapeFeishuMarkdown(plain(section.heading, MAX_TITLE_CHARS))}**`);
  if (section.text) parts.push(escapeFeishuMarkdown(truncate(section.text, MAX_TEXT_CHARS)));
  const items = section.items ?? [];
  if (items.length > 0) {
    const shown = items.slice(0, MAX_ITEMS).map((item) => `- ${escapeFeishuMarkdown(plain(item, MAX_TEXT_CHARS))}`);
    if (items.length > MAX_ITEMS) shown.push(`- …(+${items.length - MAX_ITEMS})`);
    parts.push(shown.join('\n'));
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** A label/value row: two weighted columns, so labels line up down the card. */
function fieldRow(field: CardField): ColumnSetElement {
  return {
    tag: 'column_set',
    flex_mode: 'none',
    horizontal_spacing: '8px',
    columns: [
      { tag: 'column', width: 'weighted', weight: 1, vertical_align: 'top', elements: [md(`**${escapeFeishuMarkdown(plain(field.label, MAX_TITLE_CHARS))}**`)] },
      { tag: 'column', width: 'weighted', weight: 3, vertical_align: 'top', elements: [md(escapeFeishuMarkdown(truncate(field.value, MAX_TEXT_CHARS)))] },
    ],
  };
}

/** The compact form of the same fields, used when columns would exceed the component budget. */
function fieldLines(fields: CardField[]): MarkdownElement {
  return md(fields
    .map((f) => `**${escapeFeishuMarkdown(plain(f.label, MAX_TITLE_CHARS))}**: ${escapeFeishuMarkdown(truncate(f.value, MAX_TEXT_CHARS))}`)
    .join('\n'));
}

function button(action: CardAction, conversation: string | undefined): ButtonElement {
  const value: FeishuButtonValue = { cmd: action.command.slice(0, MAX_COMMAND_CHARS) };
  if (conversation) value.conv = conversation;
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: plain(action.label, MAX_BUTTON_LABEL_CHARS) },
    type: action.style === 'primary' ? 'primary' : 'default',
    behaviors: [{ type: 'callback', value }],
  };
}

/** Buttons in one flowing row: it wraps on narrow screens instead of squeezing the labels. */
function buttonRow(actions: CardAction[], conversation: string | undefined): ColumnSetElement {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: actions.slice(0, MAX_BUTTONS).map((a) => ({ tag: 'column', width: 'auto', elements: [button(a, conversation)] })),
  };
}

function build(card: Card, sections: CardSection[], omitted: number, compactFields: boolean, opts: RenderOptions): FeishuCard {
  const elements: FeishuElement[] = [];
  // What a follow-up took from the conversation: small print above the answer.
  if (card.followUp) elements.push(md(escapeFeishuMarkdown(plain(card.followUp, MAX_TEXT_CHARS)), 'notation'));
  for (const section of sections) {
    const text = sectionText(section);
    if (text) elements.push(md(text));
    const fields = (section.fields ?? []).slice(0, MAX_FIELD_ROWS);
    if (fields.length > 0) {
      if (compactFields) elements.push(fieldLines(fields));
      else elements.push(...fields.map(fieldRow));
    }
  }
  if (omitted > 0) elements.push(md(escapeFeishuMarkdown(TRIMMED_NOTE[opts.lang ?? 'zh'](omitted)), 'notation'));
  if (card.image?.picture.kind === 'tier-bars') elements.push(tierBarsChart(card.image, opts.lang ?? 'zh'));
  else if (card.image && opts.imageKey) {
    elements.push({ tag: 'img', img_key: opts.imageKey, alt: { tag: 'plain_text', content: plain(card.image.alt, MAX_TITLE_CHARS) } });
  }
  if (card.actions.length > 0) elements.push(buttonRow(card.actions, opts.conversation));
  if (card.source) elements.push({ tag: 'hr' }, md(escapeFeishuMarkdown(plain(card.source, MAX_TEXT_CHARS)), 'notation'));
  const title = plain(card.title, MAX_TITLE_CHARS) || '—';
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: title } },
    header: {
      title: { tag: 'plain_text', content: title },
      ...(card.subtitle ? { subtitle: { tag: 'plain_text' as const, content: plain(card.subtitle, MAX_TITLE_CHARS) } } : {}),
      template: TONE_TEMPLATE[card.tone] ?? 'blue',
    },
    body: { elements },
  };
}

/** Components Feishu counts: every object with a `tag` inside the body (columns and text included). */
export function countComponents(card: FeishuCard): number {
  let n = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      if ('tag' in v) n++;
      Object.values(v).forEach(visit);
    }
  };
  visit(card.body);
  return n;
}

// The JSON of each rendered card, made once: by the size check, then sent as the message content.
const cardJson = new WeakMap<FeishuCard, string>();

/** The card as the `content` string of a send or reply (a card is not changed once rendered). */
export function feishuCardJson(card: FeishuCard): string {
  let json = cardJson.get(card);
  if (json === undefined) {
    json = JSON.stringify(card);
    cardJson.set(card, json);
  }
  return json;
}

/**
 * Bytes the card takes in a send/reply request, where it travels as a JSON string inside JSON:
 * `JSON.stringify(json)` without building it. JSON text holds no control characters or lone
 * surrogates (they are escaped), so quoting it adds the two quotes and a backslash before each
 * `"` and `\`.
 */
export function cardRequestBytes(card: FeishuCard): number {
  const json = feishuCardJson(card);
  let escaped = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34 || c === 92) escaped++;
  }
  return Buffer.byteLength(json, 'utf8') + 2 + escaped;
}

export function fitsFeishuLimits(card: FeishuCard): boolean {
  return countComponents(card) <= FEISHU_MAX_COMPONENTS && cardRequestBytes(card) <= FEISHU_MAX_BODY_BYTES - BODY_OVERHEAD_BYTES;
}

/**
 * Renders a neutral card. Never fails on a long answer: it first lays fields out as lines instead of
 * columns, then drops trailing sections and says so on the card.
 */
export function renderFeishuCard(card: Card, opts: RenderOptions = {}): FeishuCard {
  for (let keep = card.sections.length; keep >= 0; keep--) {
    const omitted = card.sections.length - keep;
    for (const compact of [false, true]) {
      const built = build(card, card.sections.slice(0, keep), omitted, compact, opts);
      if (fitsFeishuLimits(built)) return built;
    }
  }
  // Only a pathological title/action list gets here: keep the header and the note.
  return build({ ...card, actions: card.actions.slice(0, 5), source: undefined, image: undefined }, [], card.sections.length, true, opts);
}
