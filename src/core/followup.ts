import { normalize, stripChatMarkup } from './normalize.js';
import { parse, type Query } from './parse.js';
import type { FollowUpAsk, Lang } from './types.js';

/**
 * Reading a follow-up: a question that leans on the one before it (`它的路径呢`, `add shaanxi`,
 * `English please`, `哪个最强`). Only what the words ask for is decided here; what they refer to is
 * the conversation's context, which src/core/followup-answer.ts applies.
 */

export type FollowUp =
  /** The same answer again in another language: `用英文`, `English please`, `中文`. */
  | { kind: 'lang'; lang: Lang }
  /** The set under discussion with regions added or taken out: `再加上陕西`, `without Hebei`. */
  | { kind: 'edit'; op: 'add' | 'remove'; target: Query }
  /** A new subject in the previous question's frame: `那湖南呢`, `what about Hunan?`, `and Hunan?`. */
  | { kind: 'subject'; target: Query }
  /**
   * Something asked of what is under discussion: `路径呢`, `它们是哪个梯队`, `哪个最强`. `refersBack`
   * when a pronoun says it is about something said before; without one (`路径呢`, `地图`), and with
   * nothing to follow, it is the standalone question it also is.
   */
  | { kind: 'ask'; ask: FollowUpAsk; refersBack: boolean };

/** Follow-ups are short: a longer text is a question of its own, and costs no extra work. */
const MAX_FOLLOW_UP_CHARS = 60;

/**
 * Every word a follow-up can hinge on, simplified and traditional, in one test on the raw text: most
 * standalone questions fail it, and skip the rest of this module (a second normalisation and parse).
 */
const CUE = new RegExp([
  '呢', '它', '其中', '更', '[这這那][些几幾两兩个個]', '[他她][们們]', '[为為爲]什', '[为為爲][啥何]', '原因', '理由', '加',
  '[去删刪拿]掉', '[删刪]除', '去除', '除[去了]', '不要', '排除', '^那', '最', '英[文语語]', '中文', '[汉漢][语語]',
  '地[图圖]', '[图圖]上', '同[梯一级級]', '[还還]有[谁誰]', '[谁誰]', '哪[些个個]',
  String.raw`\b(?:it|its|they|them|their|these|those|both|about|and|add|plus|include|without|remove|drop|minus|exclude|except|excluding|why|reason|english|chinese|map|strongest|weakest|best|worst|highest|lowest|top|bottom|peers?|else|which)\b`,
  String.raw`\?\s*$`,
].join('|'), 'i');

/** Asking for another language, and the politeness around it. */
const LANG_WORDS: [RegExp, Lang][] = [
  [/(?:请|麻烦)?(?:用|以|说|讲|换成|改成|翻译成)?(?:英文|英语)(?:版)?(?:回答|回复|说|讲|显示)?(?:吧|呢|好吗|可以吗)?|\b(?:(?:in|into|to) )?english\b/g, 'en'],
  [/(?:请|麻烦)?(?:用|以|说|讲|换成|改成|翻译成)?(?:中文|汉语|普通话)(?:版)?(?:回答|回复|说|讲|显示)?(?:吧|呢|好吗|可以吗)?|\b(?:(?:in|into|to) )?(?:chinese|mandarin)\b/g, 'zh'],
];
const POLITE = /\b(?:please|pls|thanks|thank you|ok|okay|now|again|then|and|in|can|could|would|you|me|us|give|show|do|this|answer|reply|say|it|that|same|the|switch|version)\b|[请吧呢吗嗎啊呀谢謝再来來一遍下次说]|[\s\p{P}\p{S}]/gu;

const EDIT_ZH: [RegExp, 'add' | 'remove'][] = [
  [/^(?:那|那么)?(?:再|也|还|還)?(?:加上|加入|添加|加进|加)(.+?)(?:呢|吧|看看)?$/, 'add'],
  [/^(?:那|那么)?把(.+?)(?:也)?(?:加上|加入|加进来|加进去|加进|加)(?:吧|看看)?$/, 'add'],
  [/^(?:那|那么)?(?:去掉|去除|删掉|删除|除去|拿掉|排除|不要|除了|不算)(.+?)(?:呢|吧|看看)?$/, 'remove'],
  [/^(?:那|那么)?把(.+?)(?:去掉|去除|删掉|删除|拿掉|排除)(?:吧|看看)?$/, 'remove'],
];
const EDIT_EN: [RegExp, 'add' | 'remove'][] = [
  [/^(?:and |also |now |then |ok |okay |please )*(?:add|plus|include|with|\+)\s+(.+?)(?: too| as well| please)?$/, 'add'],
  [/^(?:and |also |now |then |ok |okay |please )*(?:without|remove|drop|minus|exclude|excluding|except|take out|leave out)\s+(.+?)(?: please)?$/, 'remove'],
];
const NEW_SUBJECT = [/^(?:那|那么)(.+?)(?:呢|怎么样|如何)?$/, /^(.+?)呢$/, /^(?:and |so )?(?:what|how) about\s+(.+)$/, /^and\s+(.+)$/];

/** Words that refer back: the subject is the conversation's, whatever else the question says. */
const PRONOUN = /它|其中|[这那][些几两三个]|[他她]们|该[地省市]|那里|这里|\b(?:it|its|they|them|their|these|those|both|each)\b/;
/** Ellipsis: a bare `路径呢`, `path?`, `那路径呢`, `and the map?`. */
const ELLIPSIS = /呢|^那|\?$|^(?:and|so|what about|how about)\b/;

/**
 * What is asked, most specific first. `bare`: a word that is a question of its own (`路径`, `tiers`)
 * asks about the conversation only with a sign of ellipsis or a pronoun (`路径呢`, `tiers?`, `its path`).
 */
const ASKS: { ask: FollowUpAsk; pattern: RegExp; bare?: boolean }[] = [
  { ask: 'why', pattern: /为什么|为啥|为何|什么原因|原因|理由|凭什么|\bwhy\b|\bhow come\b|\breason\b/ },
  { ask: 'with-path', pattern: /(?:哪些|哪个|哪几个|谁|有没有).*(?:路径|建议)|有(?:建议|路径)的|\bwhich\b.*\b(?:paths?|suggest\w*)\b|\b(?:has|have|got)\b.*\bpaths?\b/ },
  { ask: 'strongest', pattern: /[最更](?:强|好|高|领先|靠前|厉害|先进)|哪个(?:强|好|高)|排(?:第一|最前)|\b(?:strongest|best|highest|top|most advanced|furthest ahead)\b/ },
  { ask: 'weakest', pattern: /[最更](?:弱|差|低|落后|靠后)|哪个(?:弱|差|低)|垫底|倒数第一|\b(?:weakest|worst|lowest|bottom|least advanced|furthest behind)\b/ },
  { ask: 'peers', pattern: /同梯队|同一梯队|同级|还有谁|还有哪些|其他成员|\bpeers?\b|\bwho else\b|\bsame tier\b/ },
  { ask: 'map', pattern: /地图|分布图|图上|示意图|\bmap\b/ },
  { ask: 'path', bare: true, pattern: /路径|路线|策略|怎么发展|发展方向|建议|\b(?:paths?|routes?|strateg\w*|suggest\w*)\b/ },
  { ask: 'tier', bare: true, pattern: /梯队|档次|级别|排名|水平|\b(?:tiers?|levels?|rank\w*|standing)\b/ },
  { ask: 'metrics', bare: true, pattern: /数据|数字|指标|成效|\b(?:data|figures?|numbers?|stats|statistics|metrics?)\b/ },
];

/**
 * Words a follow-up is made of beyond the parser's own (pronouns, the asks above, politeness). A text
 * with any other word the parser did not know is a question of its own (`what are the paths and their
 * examples`), not a follow-up, however many pronouns it has.
 */
const FOLLOW_UP_WORDS_EN = new Set(`has have got suggested suggest suggestion suggestions show strongest weakest best worst
 highest lowest top bottom peers peer else why reason come english chinese add plus include without remove drop minus
 exclude except excluding data figures numbers stats level levels rank ranking standing route routes strategy one ones
 both each again too well now ok okay`.split(/\s+/));
const FOLLOW_UP_WORDS_ZH = /它们?|其他|其中?|一些|些|[这那][些几两三个]?|[他她]们|该[地省市]|那里|这里|为什么|为啥|为何|为|什么|原因|理由|凭|最|更|强|弱|好|差|领先|靠前|靠后|落后|厉害|先进|垫底|倒数|第一|建议|没有|有|同梯队|同一|同级|同|还有|谁|其他|成员|地方|用|英文|英语|中文|汉语|再|呢|吗|吧|么|上|看|排名|水平|级别|档次|怎么|发展|方向/g;
const FOLLOW_UP_KEYWORDS = new Set(['path', 'tier', 'metrics', 'map', 'region', 'compare', 'about']);

function onlyFollowUpWords(q: Query): boolean {
  return [...q.keywords].every((k) => FOLLOW_UP_KEYWORDS.has(k)) &&
    q.leftovers.every((w) => FOLLOW_UP_WORDS_EN.has(w) || w.replace(FOLLOW_UP_WORDS_ZH, '') === '');
}

/** Whether a parsed question names something of its own to answer about. */
export function namesSubject(q: Query): boolean {
  return q.regions.length + q.groups.length + q.tiers.length + q.paths.length + q.metrics.length + q.notCovered.length > 0 || !!q.ambiguous;
}

const withoutMarkup = (raw: string): string => stripChatMarkup(raw).replace(/\s*--lang[=\s]+(?:zh|en)(?:-hant)?\b/i, '');

/**
 * Whether a text may be a follow-up, by the cheap test alone. False means its answer does not depend
 * on the conversation: an adapter may answer it from a cache of standalone answers.
 */
export function mayFollowUp(raw: string): boolean {
  // Room for a mention or two around a short follow-up; anything longer is not read at all.
  if (raw.length > MAX_FOLLOW_UP_CHARS * 4) return false;
  const short = withoutMarkup(raw);
  return short.length <= MAX_FOLLOW_UP_CHARS && CUE.test(short.normalize('NFKC'));
}

/**
 * What a question asks of the conversation, or undefined for a question that stands alone (nearly
 * all: those are answered exactly as without a conversation). `query` is the whole text, parsed.
 */
export function readFollowUp(raw: string, query: Query): FollowUp | undefined {
  if (!mayFollowUp(raw)) return undefined;
  const short = withoutMarkup(raw);
  const text = normalize(short).replace(/[？?]+/g, '?').replace(/[，。！!、,.;；：:]+/g, ' ').replace(/\s+/g, ' ').trim();

  const edit = readEdit(text, query.lang);
  if (edit) return edit;

  let lang: Lang | undefined;
  let rest = text;
  for (const [pattern, l] of LANG_WORDS) {
    if (pattern.test(rest)) [lang, rest] = [l, rest.replace(pattern, ' ')];
    pattern.lastIndex = 0;
  }
  if (lang && rest.replace(POLITE, '') === '') return { kind: 'lang', lang };
  if (namesSubject(query)) return readNewSubject(text, query.lang);

  if (!onlyFollowUpWords(query)) return undefined;
  const ask = ASKS.find((a) => a.pattern.test(text));
  const refersBack = PRONOUN.test(text);
  if (ask && (!ask.bare || refersBack || ELLIPSIS.test(text))) return { kind: 'ask', ask: ask.ask, refersBack };
  if (refersBack && !ask) return { kind: 'ask', ask: 'about', refersBack };
  return undefined;
}

/** `再加上陕西`, `add shaanxi`, `去掉河北`, `without hebei`: only when what follows names regions. */
function readEdit(text: string, lang: Lang): FollowUp | undefined {
  for (const [pattern, op] of [...EDIT_ZH, ...EDIT_EN]) {
    const m = pattern.exec(text);
    if (!m) continue;
    const target = parse(m[1], lang);
    if (target.regions.length > 0 || target.groups.length > 0) return { kind: 'edit', op, target };
  }
  return undefined;
}

/** `那湖南呢`, `what about Hunan?`: what follows the frame words, when it names something. */
function readNewSubject(text: string, lang: Lang): FollowUp | undefined {
  const bare = text.replace(/\?$/, '').trim();
  for (const pattern of NEW_SUBJECT) {
    const m = pattern.exec(bare);
    if (!m) continue;
    const target = parse(m[1], lang);
    if (namesSubject(target)) return { kind: 'subject', target };
  }
  return undefined;
}
