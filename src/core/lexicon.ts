import { COMMANDS, type CommandSpec } from './commands.js';
import { groupings, report, shortEnglishName, type Bilingual } from './data.js';
import { hasCjk, nameKey } from './normalize.js';

/**
 * Every name a user may type, mapped to what it means. Built once from data/ and the command
 * registry; the words below are ways of asking, not facts (the facts stay in data/).
 */

export type CommandName = CommandSpec['name'];

/** Things people ask that the article does not answer as asked: it ranks no one and names no publisher. */
export type Topic = 'ranking' | 'publisher';

export type Entity =
  | { kind: 'region'; id: string; via?: Bilingual }
  | { kind: 'tier' | 'path' | 'group' | 'person'; ids: string[] }
  /** `generic`: a word several figures share (5G, 指数), which gives way to a more specific one. */
  | { kind: 'metric'; ids: string[]; generic?: boolean }
  /** An indicator named in a tier's note (标识解析二级节点, 占比超过70%): the tiers whose note names it. */
  | { kind: 'indicator'; ids: string[] }
  | { kind: 'topic'; topic: Topic }
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

/** The people quoted, by their title and organisation too (工信部的局长, the Alliance's Secretary-General). */
const PERSON_WORDS: Record<string, { zh: string[]; en: string[] }> = {
  'hu-jianbo': {
    zh: ['胡坚波', '秘书长', '工业互联网产业联盟', '产业联盟', '联盟秘书长'],
    en: ['hu jianbo', 'hujianbo', 'jianbo', 'secretary general', 'secretary-general', 'alliance of industrial internet', 'industrial internet alliance', 'aii'],
  },
  'zhao-zhiguo': {
    zh: ['赵志国', '局长', '信息通信管理局', '工业和信息化部', '工信部'],
    en: ['zhao zhiguo', 'zhaozhiguo', 'zhiguo', 'director general', 'director-general', 'miit', 'ministry of industry and information technology', 'information and communications administration'],
  },
};

const TOPIC_WORDS: Record<Topic, { zh: string[]; en: string[] }> = {
  ranking: {
    zh: ['排名', '排行', '排第几', '排在第几', '排第一', '谁排第一', '第一名', '得分', '评分', '分数', '最好', '最强', '最发达', '最领先', '最厉害', '最差', '最弱', '最落后', '谁更强', '谁更好', '哪个更强', '哪个更好'],
    en: ['rank', 'ranks', 'ranked', 'ranking', 'rankings', 'best', 'strongest', 'worst', 'weakest', 'number one', 'no 1', 'top province', 'top region'],
  },
  publisher: {
    zh: ['谁发布', '是谁发布', '由谁发布', '哪个机构发布', '发布者', '发布方', '发布单位', '发布机构', '谁编制', '是谁编制', '编制单位', '谁写的', '作者是谁', '谁出的'],
    en: ['publisher', 'published', 'publishes', 'who released', 'released by', 'who wrote', 'author', 'authors', 'compiled'],
  },
};

/**
 * Words naming the indicators in the tiers' notes; each means the tiers whose note contains its `term`.
 * The most specific first: the first entry to claim a word keeps it (二级节点 is only the rising tier's).
 */
const INDICATOR_WORDS: { term: string; zh: string[]; en: string[] }[] = [
  { term: '二级节点', zh: ['标识解析二级节点', '二级节点'], en: ['secondary node', 'secondary nodes'] },
  { term: '标识注册量', zh: ['标识注册', '标识注册量'], en: ['identifier registrations', 'identifier registration'] },
  { term: '投融资总额', zh: ['投融资', '投融资总额'], en: ['investment and financing'] },
  { term: '70%', zh: ['占比超过70%', '超过70%', '70%以上', '占比超过百分之七十'], en: ['over 70', 'above 70', 'more than 70', 'exceed 70', 'exceeds 70'] },
  { term: '从0到1', zh: ['从0到1', '0到1'], en: ['0 to 1', 'zero to one'] },
  { term: '标识解析', zh: ['标识解析', '标识解析体系', '接入标识解析体系'], en: ['identifier resolution', 'identifier-resolution'] },
];

/** Words several figures share: 5G (coverage, projects), 指数 (the overall index, the sub-indices). */
const GENERIC_METRIC_WORDS = new Set(['5g', '5g+工业互联网', '指数', 'index']);

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
  // Before the figures: 占比超过70% is the leading tier's three indicators, not the 21% share (占比).
  for (const { term, zh, en } of INDICATOR_WORDS) {
    const ids = report.tiers.filter((t) => t.note?.zh.includes(term)).map((t) => t.id);
    if (ids.length > 0) add([...zh, ...en], { kind: 'indicator', ids });
  }
  add(['5g', '5g+工业互联网'], { kind: 'metric', ids: report.metrics.filter((m) => m.id.startsWith('5g')).map((m) => m.id), generic: true });
  for (const m of report.metrics) {
    for (const word of [...m.keywords.zh, ...m.keywords.en, m.id]) add([word], { kind: 'metric', ids: [m.id], generic: GENERIC_METRIC_WORDS.has(word) || undefined });
  }
  for (const nc of NOT_COVERED) add([...nc.zh, ...nc.en], { kind: 'not-covered', name: nc.name });
  add([...ALL_WORDS.zh, ...ALL_WORDS.en], { kind: 'all' });
  for (const p of report.people) add([p.zh, p.en, ...PERSON_WORDS[p.id].zh, ...PERSON_WORDS[p.id].en], { kind: 'person', ids: [p.id] });
  for (const [topic, words] of Object.entries(TOPIC_WORDS)) add([...words.zh, ...words.en], { kind: 'topic', topic: topic as Topic });
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
