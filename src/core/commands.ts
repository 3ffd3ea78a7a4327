import type { Intent, Lang } from './types.js';

/**
 * The one command registry. It drives the parser (keywords that select an intent), the help card,
 * the Slack manifest's `/iiot` usage hint and the Feishu bot menu, so they never drift apart.
 */
export interface CommandSpec {
  name: Extract<Intent, 'help' | 'region' | 'tier' | 'path' | 'metrics' | 'compare' | 'group' | 'map' | 'about' | 'person'>;
  /** Words that select this command, matched after normalisation (lower case, simplified Chinese). */
  keywords: { zh: string[]; en: string[] };
  args: Record<Lang, string>;
  summary: Record<Lang, string>;
  examples: Record<Lang, string[]>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'region',
    keywords: { zh: ['地区', '省份', '省'], en: ['region', 'province'] },
    args: { zh: '<省份或城市>', en: '<region or city>' },
    summary: { zh: '一个地区的梯队、发展路径和同梯队地区', en: "A region's tier, development path and tier peers" },
    examples: { zh: ['湖北', '广东省属于哪个梯队？', '武汉'], en: ['what tier is Yunnan in', 'Zhejiang'] },
  },
  {
    name: 'tier',
    keywords: {
      zh: ['梯队', '哪些省', '哪些地区', '成员'],
      en: ['tier', 'tiers', 'tidui', 'group', 'members', 'member', 'which regions', 'which provinces'],
    },
    args: { zh: '[梯队]', en: '[tier]' },
    summary: { zh: '四个梯队及其成员和特点', en: 'The four tiers, their members and traits' },
    examples: { zh: ['梯队', '后发追赶有哪些省'], en: ['tiers', 'members of the rising tier'] },
  },
  {
    name: 'path',
    keywords: { zh: ['发展路径', '路径', '路线', '策略', '模式'], en: ['path', 'paths', 'lujing', 'fazhan lujing', 'strategy', 'strategies', 'route'] },
    args: { zh: '[路径或地区]', en: '[path or region]' },
    summary: { zh: '胡坚波建议的三条发展路径及所举地区', en: 'The three development paths Hu Jianbo suggests, with his example places' },
    examples: { zh: ['典型带路', '上海的发展路径'], en: ['paths', 'path for Tianjin'] },
  },
  {
    name: 'metrics',
    keywords: {
      zh: ['数据', '指标', '数字', '成效', '核心数据', '主要数据'],
      en: ['metrics', 'metric', 'shuju', 'zhibiao', 'figures', 'figure', 'numbers', 'stats', 'statistics', 'headline'],
    },
    args: { zh: '[关键词]', en: '[keyword]' },
    summary: { zh: '报告的核心数据', en: "The report's headline figures" },
    examples: { zh: ['核心数据', '数字经济占比'], en: ['headline figures', 'how much investment', '5G projects'] },
  },
  {
    name: 'compare',
    keywords: { zh: ['对比', '比较', '相比', '区别', '差别'], en: ['compare', 'comparison', 'duibi', 'bijiao', 'versus', 'vs'] },
    args: { zh: '<地区> <地区> …', en: '<region> <region> …' },
    summary: { zh: '多个地区并排对比', en: 'Several regions side by side' },
    examples: { zh: ['北京和上海对比'], en: ['compare hebei with henan'] },
  },
  {
    name: 'group',
    keywords: { zh: ['地区组合', '区域组合', '区域板块', '经济区'], en: ['groupings', 'grouping', 'regional groupings', 'areas'] },
    args: { zh: '<地区组合>', en: '<grouping>' },
    summary: { zh: '长三角、京津冀、西部等地区组合：各成员的梯队和建议路径', en: 'Groupings such as the Yangtze River Delta or Jing-Jin-Ji: each member\'s tier and suggested path' },
    examples: { zh: ['长三角怎么样', '京津冀和湖北对比'], en: ['Yangtze River Delta', 'the Northeast'] },
  },
  {
    name: 'map',
    keywords: { zh: ['地图', '分布图', '梯队分布图', '梯队图', '示意图'], en: ['map', 'ditu', 'fenbutu'] },
    args: { zh: '', en: '' },
    summary: { zh: '四大梯队分布图（31个地区按梯队着色）', en: 'A map of the 31 regions coloured by tier' },
    examples: { zh: ['地图', '梯队分布图'], en: ['map', 'tier map'] },
  },
  {
    name: 'about',
    keywords: { zh: ['来源', '出处', '关于', '报告'], en: ['about', 'source', 'report'] },
    args: { zh: '', en: '' },
    summary: { zh: '报告与来源', en: 'The report and the source article' },
    examples: { zh: ['来源'], en: ['about'] },
  },
  {
    name: 'person',
    keywords: { zh: ['是谁', '谁是'], en: ['who is', 'whos'] },
    args: { zh: '<人名、职务或单位>', en: '<name, title or organisation>' },
    summary: { zh: '文章引述的人：职务和原话', en: 'A person the article quotes: title and words' },
    examples: { zh: ['胡坚波是谁', '工信部的局长说了什么'], en: ['Who is Zhao Zhiguo?'] },
  },
  {
    name: 'help',
    keywords: { zh: ['帮助', '怎么用', '用法', '说明', '能做什么', '功能', '你好', '您好'], en: ['help', 'bangzhu', 'usage', 'commands', 'hello', 'hi', 'hey'] },
    args: { zh: '', en: '' },
    summary: { zh: '怎么提问', en: 'How to ask' },
    examples: { zh: ['帮助'], en: ['help'] },
  },
];

const SLASH_SUMMARY: Record<Lang, string> = {
  zh: '查询中国工业互联网发展成效评估报告',
  en: "Look up China's Industrial Internet report: tiers, paths, figures",
};

/**
 * `/iiot`: Slack's slash command (manifest.yml) and Feishu's app slash command
 * (`iiot feishu sync-commands`, one description per language), also typed as a prefix in Feishu.
 */
export const SLASH_COMMAND = {
  command: '/iiot',
  summary: SLASH_SUMMARY,
  /** Slack has one description for everyone: both languages. */
  description: `${SLASH_SUMMARY.en} / ${SLASH_SUMMARY.zh}`,
  usageHint: '[region | tier | path | metrics | compare A B | group | map | help]  e.g. 湖北, tiers, 长三角, compare beijing shanghai',
} as const;

/** Feishu bot menu items (event type): the key Feishu sends back, and the command it runs. */
export const BOT_MENU: readonly { key: string; command: string; label: Record<Lang, string> }[] = [
  { key: 'tiers', command: 'tier', label: { zh: '四大梯队', en: 'The four tiers' } },
  { key: 'paths', command: 'path', label: { zh: '发展路径', en: 'Development paths' } },
  { key: 'metrics', command: 'metrics', label: { zh: '核心数据', en: 'Headline figures' } },
  { key: 'help', command: 'help', label: { zh: '帮助', en: 'Help' } },
];

/**
 * Slack's agent surface (manifest.yml `features.agent_view.suggested_prompts`, at most 4): a prompt
 * per command people start with, its title the command's summary and its message an example.
 */
export const SUGGESTED_PROMPTS: readonly { title: string; message: string }[] = (['region', 'path', 'compare', 'map'] as const)
  .map((name) => COMMANDS.find((c) => c.name === name)!)
  .map((c) => ({ title: c.summary.en, message: c.examples.en[0]! }));
