import { editDistance as distance } from './distance.js';
import { COMMANDS } from './commands.js';
import { soundAlikes } from './homophones.js';
import { groupingById, regionById, type Bilingual } from './data.js';
import { CJK_FILLER, lexicon, type CommandName, type Entity, type Lexicon, type Topic } from './lexicon.js';
import { hasCjk, isTraditional, latinWords, normalize, stripChatMarkup } from './normalize.js';
import type { Lang } from './types.js';

/** A question, understood: what it asks for and which of the dataset's things it names. */
export interface Query {
  lang: Lang;
  /** Written in Traditional characters (or `--lang zh-hant`): a Chinese answer is given in them too. */
  traditional: boolean;
  /** The question as typed, markup stripped: quoted back to the user (renderers escape it). */
  echo: string;
  regions: RegionRef[];
  tiers: string[];
  paths: string[];
  metrics: string[];
  /** Regional groupings (长三角, Jing-Jin-Ji …). */
  groups: string[];
  /** The people quoted, named by name, title or organisation. */
  people: string[];
  /** Indicators named in the tiers' notes (二级节点, 占比超过70%): the ids of the tiers whose note names them. */
  indicators: string[];
  /** Asked about what the article does not give as asked: a ranking, the report's publisher. */
  topics: Set<Topic>;
  notCovered: Bilingual[];
  /** Toneless `shanxi`: the regions it could mean. */
  ambiguous?: { typed: string; ids: string[] };
  keywords: Set<CommandName>;
  all: boolean;
  /** The first word was a command name followed only by ids (how buttons phrase their commands). */
  command?: CommandName;
  /** Words and characters that matched nothing, for "did you mean". */
  leftovers: string[];
}

export interface RegionRef {
  id: string;
  /** The city it was named by (武汉 → 湖北). */
  via?: Bilingual;
  /** What the user typed, when it was a typo we corrected (Zhejang → Zhejiang). */
  typed?: string;
}

const COMMAND_NAMES = new Set<string>(COMMANDS.map((c) => c.name));

/** Common English words that must never be "corrected" into a place name (human → Hunan). */
const ENGLISH = new Set(`a an the of in on at for to and or with vs versus about is are was were be been
 what which where who whom how much many does do did can could would should will please tell me us show give
 list its it this that these those there their they them you your i my we our hi hello hey thanks thank bot
 iiot china chinese data info information want know like see get find between from by into tier tiers path
 paths compare region regions province provinces city cities same other human being belong belongs
 sure okay ok yes no not any some more most than then also just only look lookup search question answer
 group groups level levels rank ranking ranked whats`.split(/\s+/));

const FILLER_PATTERN = new RegExp([...CJK_FILLER].sort((a, b) => b.length - a.length).join('|'), 'g');

interface Scan {
  /** What was found, as typed; `corrected` marks a typo read as the nearest name. */
  entities: { entity: Entity; typed: string; corrected?: boolean }[];
  leftovers: string[];
}

/** The lexicon and what the scans derive from it. */
interface Tables {
  lexicon: Lexicon;
  /** First characters of the Chinese names: most positions of a long text can be skipped at once. */
  cjkStarts: Set<string>;
  /** For each word that starts a Latin name, the most words such a name has. */
  latinStarts: Map<string, number>;
  /** Every prefix of a name typed without spaces, so `hu bei` is joined only while it can still match. */
  compactPrefixes: Set<string>;
  /** Place names and tier words, the targets of typo correction. */
  typoTargets: [string, Entity][];
}

function buildTables(): Tables {
  const lex = lexicon();
  const latinStarts = new Map<string, number>();
  for (const key of lex.latin.keys()) {
    const words = key.split(' ');
    latinStarts.set(words[0], Math.max(latinStarts.get(words[0]) ?? 0, words.length));
  }
  return {
    lexicon: lex,
    cjkStarts: new Set([...lex.cjk.keys()].map((k) => k[0])),
    latinStarts,
    compactPrefixes: new Set([...lex.latinCompact.keys()].flatMap((k) => [...k].map((_, i) => k.slice(0, i + 1)))),
    typoTargets: [
      ...lex.latinCompact.entries(),
      ...[...lex.latin.entries()].filter(([key, e]) => !key.includes(' ') && (e.kind === 'ambiguous' || e.kind === 'tier')),
    ].filter(([key]) => key.length >= 4),
  };
}

let built: Tables | undefined;
const tables = (): Tables => (built ??= buildTables());

/**
 * Builds what parsing needs (the lexicon, the Chinese conversion tables) now rather than on the first
 * question: `iiot start` does it while its first API calls are under way, so the bot is ready only
 * once it can answer at full speed.
 */
export function prepareParser(): void {
  tables();
}

/** Finds Chinese names; returns the text with what it matched blanked out, for the Latin scan. */
function scanCjk(s: string, out: Scan): string {
  const { lexicon: { cjk, maxCjkLength, shortNames }, cjkStarts } = tables();
  // Built from whole runs of unmatched text, not character by character: a long text is mostly such runs.
  let residual = '';
  let unmatchedFrom = 0;
  for (let i = 0; i < s.length; ) {
    let matched = 0;
    for (let len = cjkStarts.has(s[i]) ? Math.min(maxCjkLength, s.length - i) : 0; len >= 2; len--) {
      const typed = s.slice(i, i + len);
      const entity = cjk.get(typed);
      if (entity) {
        out.entities.push({ entity, typed });
        matched = len;
        break;
      }
    }
    if (matched) {
      residual += s.slice(unmatchedFrom, i) + ' '.repeat(matched);
      i += matched;
      unmatchedFrom = i;
    } else {
      i += 1;
    }
  }
  residual += s.slice(unmatchedFrom);
  // Short names (粤, 京沪) only count where nothing but filler surrounds them.
  const rest = residual.replace(FILLER_PATTERN, ' ').replace(/[^\u3400-\u9fff]+/g, ' ').trim();
  for (const chunk of rest.split(' ').filter(Boolean)) {
    const ids = [...chunk].map((ch) => shortNames.get(ch));
    if (chunk.length <= 4 && ids.every(Boolean)) {
      for (const id of ids) out.entities.push({ entity: { kind: 'region', id: id! }, typed: chunk });
    } else {
      out.leftovers.push(chunk);
    }
  }
  return residual;
}

/** The longest name starting at `words[i]`, spaced (`inner mongolia`) or split into syllables (`hei long jiang`). */
function matchLatinAt(words: string[], i: number): { entity: Entity; length: number } | undefined {
  const { lexicon: { latin, latinCompact }, latinStarts, compactPrefixes } = tables();
  for (let n = Math.min(latinStarts.get(words[i]) ?? 0, words.length - i); n >= 1; n--) {
    const entity = latin.get(n === 1 ? words[i] : words.slice(i, i + n).join(' '));
    if (entity) return { entity, length: n };
  }
  let joined = words[i];
  let found: { entity: Entity; length: number } | undefined;
  for (let n = 2; i + n <= words.length && compactPrefixes.has(joined); n++) {
    joined += words[i + n - 1];
    const entity = latinCompact.get(joined);
    if (entity) found = { entity, length: n };
  }
  return found;
}

function scanLatin(words: string[], out: Scan): void {
  for (let i = 0; i < words.length; ) {
    const match = matchLatinAt(words, i);
    if (match) {
      out.entities.push({ entity: match.entity, typed: words.slice(i, i + match.length).join(' ') });
      i += match.length;
      continue;
    }
    const multi = out.leftovers.length < MAX_TYPO_WORDS ? correctMultiWordTypo(words, i) : undefined;
    if (multi) {
      out.entities.push(multi.found);
      i += multi.length;
      continue;
    }
    const fixed = out.leftovers.length < MAX_TYPO_WORDS ? correctTypo(words[i]) : undefined;
    if (fixed) out.entities.push(fixed);
    else if (!ENGLISH.has(words[i]) && !/^\d+$/.test(words[i])) out.leftovers.push(words[i]);
    i += 1;
  }
}

/**
 * A misspelt name of several words (`Inner Mongoila`, `Heilong Jaing`, `Yangtze Rvier Delta`): the words
 * joined and corrected as one. Never across an ordinary English word, so `the hubie` stays two words.
 */
function correctMultiWordTypo(words: string[], i: number): { found: Scan['entities'][number]; length: number } | undefined {
  for (let n = Math.min(3, words.length - i); n >= 2; n--) {
    const part = words.slice(i, i + n);
    if (part.some((w) => ENGLISH.has(w) || /\d/.test(w))) continue;
    const fixed = correctTypo(part.join(''));
    if (fixed) return { found: { ...fixed, typed: part.join(' ') }, length: n };
  }
  return undefined;
}

/** A misspelt place is a short fragment of its own: 胡北, 黑龙将, 乌鲁木其. */
const MAX_SOUND_ALIKE_CHARS = 5;

/** Past this many unknown words the text is not a question worth correcting word by word. */
const MAX_TYPO_WORDS = 12;

/**
 * A word one edit from exactly one place is taken as that place; two edits only for long words that
 * start like the name (`heilonjang`), since English words are often two edits from a name
 * (`changing` ~ chongqing, `betting` ~ beijing).
 */
function correctTypo(word: string): Scan['entities'][number] | undefined {
  if (word.length < 4 || ENGLISH.has(word) || /\d/.test(word)) return undefined;
  const limit = word.length >= 8 ? 2 : 1;
  let best: Entity | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const [key, entity] of tables().typoTargets) {
    // Cheap bounds first: a typo rarely changes the length much, or both the first and last letters.
    if (Math.abs(key.length - word.length) > limit || (key[0] !== word[0] && key.at(-1) !== word.at(-1))) continue;
    const d = distance(word, key);
    if (d === 2 && !key.startsWith(word.slice(0, 3))) continue;
    if (d < bestDistance) [best, bestDistance, tie] = [entity, d, false];
    else if (d === bestDistance && !sameEntity(best, entity)) tie = true;
  }
  return best && !tie ? { entity: best, typed: word, corrected: true } : undefined;
}

function sameEntity(a: Entity | undefined, b: Entity): boolean {
  return a?.kind === b.kind && JSON.stringify(a) === JSON.stringify(b);
}

/** An explicit answer language: the `--lang zh|en` flag (`zh-hant` from a Traditional card's buttons), or asked for in words. */
const LANG_REQUESTS: [RegExp, Lang | undefined][] = [
  [/(?:^|\s)--lang[=\s]+(zh|en)(?:-hant)?\b/i, undefined],
  [/\b(?:in|into) english\b|(?:用|以)?英文(?:回答|回复)?|(?:用|以)英语(?:回答|回复)?/i, 'en'],
  [/\b(?:in|into) chinese\b|(?:用|以)中文(?:回答|回复)?/i, 'zh'],
];

function takeLangRequest(text: string): { text: string; lang?: Lang; hant?: boolean } {
  for (const [pattern, lang] of LANG_REQUESTS) {
    const m = pattern.exec(text);
    if (m) return { text: text.replace(pattern, ' ').trim(), lang: lang ?? (m[1].toLowerCase() as Lang), hant: /-hant\b/i.test(m[0]) };
  }
  return { text };
}

/** Full-width punctuation (？，。！) is typed with a Chinese input method. */
const CJK_PUNCTUATION = /[\u3000-\u303f\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f]/;

/**
 * Chinese characters → zh; else a Latin word → en; else full-width punctuation (？？？) → zh. Digits,
 * ASCII punctuation, emoji and terms that mix digits and letters (5G, 4G) say nothing: they are the
 * same in both languages.
 */
function scriptLang(text: string): Lang | undefined {
  if (hasCjk(text)) return 'zh';
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.some((w) => /\p{Script=Latin}/u.test(w) && !/\p{N}/u.test(w))) return 'en';
  return CJK_PUNCTUATION.test(text) ? 'zh' : undefined;
}

/** The article's language: the answer's when neither the question nor the user's settings give one. */
const DEFAULT_LANG: Lang = 'zh';

/**
 * The language a question itself carries: one asked for (`--lang en`, `请用英文回答`), else its
 * script. Undefined for a bare `/iiot`, a lone mention, `123`: adapters then fall back on the
 * user's remembered language, and remember this one when there is one.
 */
export function questionLang(raw: string): Lang | undefined {
  const requested = takeLangRequest(stripChatMarkup(raw));
  return requested.lang ?? scriptLang(requested.text);
}

/**
 * `fallbackLang` (a remembered or platform language) and then `locale` count only when neither
 * `explicitLang` nor the text gives a language.
 */
export function parse(raw: string, explicitLang?: Lang, locale?: string, fallbackLang?: Lang): Query {
  const requested = takeLangRequest(stripChatMarkup(raw));
  const text = requested.text;
  const localeLang = locale ? (locale.toLowerCase().startsWith('zh') ? 'zh' : 'en') : undefined;
  const lang: Lang = explicitLang ?? requested.lang ?? scriptLang(text) ?? fallbackLang ?? localeLang ?? DEFAULT_LANG;

  const norm = normalize(text);
  const query: Query = {
    lang, traditional: lang === 'zh' && (requested.hant === true || isTraditional(text)), echo: text,
    regions: [], tiers: [], paths: [], metrics: [], groups: [], people: [], indicators: [], topics: new Set(), notCovered: [],
    keywords: new Set(), all: false, leftovers: [],
  };

  // Buttons send `region shanxi`, `compare beijing hubei`, `tier rising`: ids, taken exactly.
  const words = norm.trim().split(/\s+/);
  if (COMMAND_NAMES.has(words[0]) && words.length > 1 && words.slice(1).every(isId)) {
    query.command = words[0] as CommandName;
    for (const w of words.slice(1)) addId(query, w);
    return query;
  }

  const scan: Scan = { entities: [], leftovers: [] };
  const unmatched = scanCjk(norm, scan);
  scanLatin(latinWords(unmatched.replace(/[\u3400-\u9fff]+/g, ' ')), scan);
  // Chinese that named nothing may be a place typed with the wrong characters (胡北 → 湖北): only
  // short fragments, since any long run of Chinese has some pair that sounds like a place.
  if (!scan.entities.some((e) => e.entity.kind !== 'keyword')) {
    for (const chunk of scan.leftovers.filter((c) => hasCjk(c) && c.length <= MAX_SOUND_ALIKE_CHARS).slice(0, 3)) {
      for (const alike of soundAlikes(chunk)) scan.entities.push({ ...alike, corrected: true });
    }
  }
  query.leftovers = scan.leftovers;

  const push = (list: string[], ids: string[]) => ids.forEach((id) => list.includes(id) || list.push(id));
  // A figure's own word wins over a word it shares with others: 在建项目 over 5G, 基础设施建设指数 over 指数.
  const specific = scan.entities.some((e) => e.entity.kind === 'metric' && !e.entity.generic);
  for (const { entity, typed, corrected } of scan.entities) {
    switch (entity.kind) {
      case 'region':
        if (!query.regions.some((r) => r.id === entity.id)) query.regions.push({ id: entity.id, via: entity.via, typed: corrected ? asTyped(text, typed) : undefined });
        break;
      case 'tier': push(query.tiers, entity.ids); break;
      case 'path': push(query.paths, entity.ids); break;
      case 'metric': if (!(entity.generic && specific)) push(query.metrics, entity.ids); break;
      case 'person': push(query.people, entity.ids); break;
      case 'indicator': push(query.indicators, entity.ids); break;
      case 'topic': query.topics.add(entity.topic); break;
      case 'group': push(query.groups, entity.ids); break;
      case 'not-covered':
        if (!query.notCovered.some((n) => n.en === entity.name.en)) query.notCovered.push(entity.name);
        break;
      case 'ambiguous': query.ambiguous ??= { typed: asTyped(text, typed), ids: entity.ids }; break;
      case 'keyword': query.keywords.add(entity.command); break;
      case 'all': query.all = true; break;
    }
  }
  // `shanxi` next to `shaanxi` (or 陕西) can only mean the other one, 山西.
  if (query.ambiguous) {
    const named = query.ambiguous.ids.filter((id) => query.regions.some((r) => r.id === id));
    const left = query.ambiguous.ids.filter((id) => !named.includes(id));
    if (named.length > 0 && left.length === 1) {
      query.regions.push({ id: left[0] });
      query.ambiguous = undefined;
    }
  }
  return query;
}

/** A normalised word as the user wrote it (`guizou` → `Guizou`), for quoting it back. */
function asTyped(text: string, word: string): string {
  const at = text.toLowerCase().indexOf(word);
  return at >= 0 ? text.slice(at, at + word.length) : word;
}

function isId(word: string): boolean {
  // Only things a button names: `tier map` is two keywords, not a tier id.
  const entity = tables().lexicon.latin.get(word.replace(/-/g, ' '));
  return /^[a-z0-9-]+$/.test(word) && (regionById.has(word) || groupingById.has(word) || (entity !== undefined && entity.kind !== 'keyword'));
}

function addId(query: Query, id: string): void {
  if (regionById.has(id)) return void query.regions.push({ id });
  if (groupingById.has(id)) return void query.groups.push(id);
  const entity = tables().lexicon.latin.get(id.replace(/-/g, ' '));
  if (entity?.kind === 'tier') query.tiers.push(...entity.ids);
  else if (entity?.kind === 'path') query.paths.push(...entity.ids);
  else if (entity?.kind === 'metric') query.metrics.push(...entity.ids);
  else if (entity?.kind === 'group') query.groups.push(...entity.ids);
  else if (entity?.kind === 'person') query.people.push(...entity.ids);
  else if (entity?.kind === 'all') query.all = true;
}
