/** The platform-neutral contract between adapters, the core handler and the renderers. */

export type Lang = 'zh' | 'en';

export type Platform = 'slack' | 'feishu' | 'console' | 'cli';

/** What every adapter reduces a platform event to. */
export interface Inbound {
  /** The user's text with the platform's mention markup still in it; the core strips it. */
  text: string;
  platform: Platform;
  /** An explicit language (CLI flag, a button's command); otherwise detected from the text. */
  lang?: Lang;
  /** The platform's locale for the user, when it gives one (e.g. Slack `en-US`, Feishu `zh_cn`). */
  locale?: string;
  /**
   * For text that carries no language of its own (a bare `/iiot`, `123`): the user's remembered
   * answer language, or the platform's default. `lang` and the text's own language win over it.
   */
  fallbackLang?: Lang;
  userId?: string;
}

/** Every kind of answer, in one list: stored contexts are checked against it. */
export const INTENTS = [
  'help',
  'region',
  'tier',
  'path',
  'metrics',
  'compare',
  'group',
  'about',
  'person',
  'map',
  'not-covered',
  'ambiguous',
  'unknown',
] as const;

export type Intent = (typeof INTENTS)[number];

/** Card colour: a tier's own, or a neutral/warning tone. */
export type Tone = 'leading' | 'rising' | 'catching-up' | 'nascent' | 'info' | 'warning';

export interface CardField {
  label: string;
  value: string;
}

/**
 * A block of content. All strings are plain text: renderers escape them for their platform,
 * and express `heading` (bold) and `items` (bullets) in their own markup.
 */
export interface CardSection {
  heading?: string;
  text?: string;
  items?: string[];
  fields?: CardField[];
}

/** A button: its `command` is typed text that goes back through `handle()` when clicked. */
export interface CardAction {
  label: string;
  command: string;
  style?: 'primary' | 'default';
}

/**
 * Which picture an answer carries, as data: the core names it, src/pictures draws it (lazily, cached
 * per picture and language), and adapters upload the bytes. No text here: that is in CardImage.
 */
export type Picture =
  /** China's 31 regions coloured by tier; with `highlight`, those regions stand out and the rest fade. */
  | { kind: 'map'; highlight?: string[] }
  /** Members per tier, one bar each. */
  | { kind: 'tier-bars' };

/** One legend row: a tier (with its member count) or "not covered"; colour as `#rrggbb`. */
export interface LegendEntry {
  label: string;
  tierId?: string;
  color: string;
}

/** A card's picture. The card's text says everything the picture shows, so the picture is optional. */
export interface CardImage {
  picture: Picture;
  /** Drawn at the top of the picture. */
  title: string;
  /** What the picture shows, for screen readers and clients that do not show images. */
  alt: string;
  legend: LegendEntry[];
  /** A line drawn above the caption: what the picture shows that is not from the article. */
  note?: string;
}

export interface Card {
  title: string;
  subtitle?: string;
  tone: Tone;
  sections: CardSection[];
  image?: CardImage;
  /** One line naming where the facts come from. */
  source?: string;
  /** For an answer to a follow-up, the short line saying what it took from the conversation: `接上文：湖北`. */
  followUp?: string;
  actions: CardAction[];
}

/** The public answer contract, printed by `iiot ask --format json`. */
export interface Answer {
  intent: Intent;
  lang: Lang;
  regionIds: string[];
  tierIds: string[];
  strategyIds: string[];
  metricIds: string[];
  /** The regional groupings it is about (`yangtze-river-delta`, …); their members are in `regionIds`. */
  groupIds: string[];
  /**
   * Who states the facts it shows: `report`, `reporter` (the journalist's own count), `article` (the article
   * states it without naming a source), or a person's id (`hu-jianbo`; on a person's card, that person).
   */
  statedBy: string[];
  card: Card;
}

/**
 * What a follow-up asks of the things under discussion (src/core/followup.ts reads it from the words).
 * `why-strongest` / `why-weakest`: `why` asked right after `哪个最强` / `哪个最弱`.
 */
export type FollowUpAsk =
  | 'about' | 'path' | 'tier' | 'peers' | 'metrics' | 'map' | 'strongest' | 'weakest' | 'with-path' | 'why'
  | 'why-strongest' | 'why-weakest';

/**
 * What the core keeps of a conversation between two questions: what is under discussion (the ids and
 * the intent of the last answer, or the set a follow-up asked about), never the user's words. Adapters
 * store it as JSON per conversation (a Slack thread, a Feishu topic, a DM, the console session) and hand
 * it back with the next question; only the core reads it, and it checks every id it reads.
 */
export interface ConversationContext {
  intent: Intent;
  lang: Lang;
  regionIds: string[];
  groupIds: string[];
  tierIds: string[];
  strategyIds: string[];
  metricIds: string[];
  /** The follow-up last asked about these (`哪个最强`), so `那长三角呢` asks it again of something else. */
  ask?: FollowUpAsk;
}

/** One turn of a conversation: the answer, and the context to keep for the next question. */
export interface Turn {
  answer: Answer;
  /**
   * Undefined when there is nothing worth keeping. A question with nothing of its own to keep (help, a
   * question not understood) keeps the context it came with, so one slip does not end the conversation.
   */
  context?: ConversationContext;
}
