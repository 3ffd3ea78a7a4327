import { COMMANDS, type CommandSpec } from './commands.js';
import { groupings, report, shortEnglishName, type Bilingual } from './data.js';
import { hasCjk, nameKey } from './normalize.js';

/**
 * Every name a user may type, mapped to what it means. Built once from data/ and the command
 * registry; the words below are ways of asking, not facts (the facts stay in data/).
 */

export type CommandName = CommandSpec['name'];

export type Entity =
  | { kind: 'region'; id: string; via?: Bilingual }
  | { kind: 'tier' | 'path' | 'metric' | 'group'; ids: string[] }
  | { kind: 'not-covered'; name: Bilingual }
  | { kind: 'ambiguous'; ids: string[] }
  | { kind: 'keyword'; command: CommandName }
  | { kind: 'all' };

/** Extra ways people name the tiers and paths (the report's own names come from data/). */
const TIER_WORDS: Record<string, { zh: string[]; en: string[] }> = {
  leading: { zh: ['引领', '第一梯队', '一梯队'], en: ['leading', 'shifan yinling', 'lead the way', 'leaders', 'first tier', 'tier 1', 'tier one', 'top tier'] },
  rising: { zh: ['崛起', '第二梯队', '二梯队'], en: ['rising', 'kuaisu jueqi', 'rapid rise', 'rapidly rising', 'fast rising', 'second tier', 'tier 2', 'tier two'] },
  'catching-up': { zh: ['追赶', '第三梯队', '三梯队'], en: ['catching up', 'houfa zhuigan', 'catch up', 'catching', 'third tier', 'tier 3', 'tier three'] },
  nascent: { zh: ['孕育', '起步', '第四梯队', '四梯队'], en: ['getting started', 'yunyu qibu', 'nascent', 'starting', 'fourth tier', 'tier 4', 'tier four', 'emerging'] },
};

const PATH_WORDS: Record<string, { zh: string[]; en: string[] }> = {
  'radiate-outward': { zh: ['修炼内功', '对外辐射', '辐射'], en: ['radiate', 'xiulian neigong', 'duiwai fushe', 'radiate outward', 'radiating', 'build strength within', 'strength within'] },
  'lead-then-scale': { zh: ['典型带路', '全面推广', '带路'], en: ['lead then scale', 'dianxing dailu', 'quanmian tuiguang', 'flagships lead', 'flagship', 'flagships', 'roll out', 'rollout'] },
  breakthrough: { zh: ['单点突破', '后发先至', '突破'], en: ['breakthrough', 'dandian tupo', 'houfa xianzhi', 'break through', 'overtake', 'overtake from behind', 'one point'] },
};

/** Places the report does not cover: named so the bot can say so instead of guessing. */
const NOT_COVERED: { name: Bilingual; zh: string[]; en: string[] }[] = [
  { name: { zh: '香港', en: 'Hong Kong' }, zh: ['香港'], en: ['hong kong', 'hongkong', 'hk', 'xianggang'] },
  { name: { zh: '澳门', en: 'Macao' }, zh: ['澳门'], en: ['macao', 'macau', 'aomen'] },
  { name: { zh: '台湾', en: 'Taiwan' }, zh: ['台湾', '台北', '高雄'], en: ['taiwan', 'taipei', 'kaohsiung'] },
];

const ALL_WORDS = { zh: ['所有', '全部', '全体', '各省', '31个'], en: ['all', 'every', 'everything'] };

/** Toneless pinyin that names two regions: 山西 Shanxi and 陕西 Shaanxi. */
const AMBIGUOUS: { keys: string[]; ids: string[] }[] = [{ keys: ['shanxi', 'shan xi'], ids: ['shanxi', 'shaanxi'] }];

/** Chinese words that only carry politeness or question form; what is left after them may be a short name. */
export const CJK_FILLER = [
  '请问', '请', '问', '一下', '告诉', '我', '你', '您', '想', '知道', '查', '查询', '看看', '看', '显示', '给',
  '是', '哪个', '哪一个', '哪', '个', '的', '属于', '在', '处于', '位于', '吗', '呢', '啊', '呀', '吧', '了',
  '什么', '怎么样', '如何', '情况', '和', '与', '跟', '及', '同', '还有', '以及', '省', '市', '区', '自治区',
  '谢谢', '多谢', '麻烦', '帮', '帮我', '好', '有', '哪些', '一', '下', '里', '中', '对', '比',
];

export interface Lexicon {
  cjk: Map<string, Entity>;
  latin: Map<string, Entity>;
  /**
   * Place names (pinyin, English, cities; not old aliases), keyed without spaces: typed in syllables
   * (`hu bei` → hubei), and the names a typo is corrected to.
   */
  latinCompact: Map<string, Entity>;
  /** One-character short names (粤, 京), matched only where nothing else is left. */
  shortNames: Map<string, string>;
  maxCjkLength: number;
  maxLatinWords: number;
}

function build(): Lexicon {
  const cjk = new Map<string, Entity>();
  const latin = new Map<string, Entity>();
  const latinCompact = new Map<string, Entity>();
  // First definition wins, so the specific entries below are added before the generic keywords.
  const add = (names: string[], entity: Entity) => {
    for (const name of names) {
      const key = nameKey(name);
      if (!key) continue;
      const map = hasCjk(key) ? cjk : latin;
      if (!map.has(key)) map.set(key, entity);
    }
  };

  for (const { keys, ids } of AMBIGUOUS) add(keys, { kind: 'ambiguous', ids });
  for (const r of report.regions) {
    const region: Entity = { kind: 'region', id: r.id };
    const en = shortEnglishName(r);
    add([r.zh, r.long, en, r.pinyin, r.id, ...r.aliases], region);
    // Toneless `shanxi` stays ambiguous however it is reached (typed, typo, sound-alike).
    for (const key of [r.pinyin, nameKey(en).replace(/ /g, '')]) latinCompact.set(key, latin.get(key)?.kind === 'ambiguous' ? latin.get(key)! : region);
    for (const c of r.cities) {
      const city: Entity = { kind: 'region', id: r.id, via: c };
      add([c.zh, `${c.zh}市`, c.en], city);
      latinCompact.set(nameKey(c.en).replace(/ /g, ''), city);
    }
  }
  // Groupings after the regions, so a region's own name always means the region.
  for (const g of groupings.groupings) {
    const group: Entity = { kind: 'group', ids: [g.id] };
    // Not the id: `west`, `central` are ordinary words (buttons send ids, read by the parser directly).
    add([g.zh, g.en, ...g.names], group);
    // Long names typed without spaces or misspelt (yangtzeriverdelta, Yangtze Rvier Delta); short ones
    // (huanan, xibu) only exactly, so they never steal a typo from a province (hunan).
    for (const name of [g.en, ...g.names]) {
      const key = nameKey(name).replace(/ /g, '');
      if (!hasCjk(key) && key.length >= 9 && !latinCompact.has(key)) latinCompact.set(key, group);
    }
  }
  for (const t of report.tiers) add([t.zh, t.en, t.id, ...TIER_WORDS[t.id].zh, ...TIER_WORDS[t.id].en], { kind: 'tier', ids: [t.id] });
  for (const p of report.paths) {
    add([p.zh, p.en, p.id, ...p.zh.split(/——/), ...PATH_WORDS[p.id].zh, ...PATH_WORDS[p.id].en], { kind: 'path', ids: [p.id] });
  }
  for (const m of report.metrics) add([...m.keywords.zh, ...m.keywords.en, m.id], { kind: 'metric', ids: [m.id] });
  add(['5g', '5g+工业互联网'], { kind: 'metric', ids: report.metrics.filter((m) => m.id.startsWith('5g')).map((m) => m.id) });
  for (const nc of NOT_COVERED) add([...nc.zh, ...nc.en], { kind: 'not-covered', name: nc.name });
  add([...ALL_WORDS.zh, ...ALL_WORDS.en], { kind: 'all' });
  // The people quoted are part of the about card.
  for (const p of report.people) add([p.zh, p.en], { kind: 'keyword', command: 'about' });
  for (const c of COMMANDS) add([...c.keywords.zh, ...c.keywords.en], { kind: 'keyword', command: c.name });

  const shortNames = new Map(report.regions.map((r) => [r.short, r.id]));
  const maxCjkLength = Math.max(...[...cjk.keys()].map((k) => k.length));
  const maxLatinWords = Math.max(...[...latin.keys()].map((k) => k.split(' ').length));
  return { cjk, latin, latinCompact, shortNames, maxCjkLength, maxLatinWords };
}

let built: Lexicon | undefined;

/**
 * The lexicon, built on first use: with the Chinese conversion tables it needs, the largest part of
 * start-up's own work, which `iiot start` does while its first API calls are under way (src/app.ts).
 */
export function lexicon(): Lexicon {
  return (built ??= build());
}
