/** Which picture each answer carries: the core describes it (as data), never draws it. */
import { describe, expect, it } from 'vitest';
import { groupings, report } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import { barsImage, mapImage } from '../../src/core/pictures.js';
import type { Answer, Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';
import { allAnswers } from '../support/all-answers.js';

const ask = (text: string, lang?: Lang): Answer => handle({ text, platform: 'cli', lang });

describe('the map command', () => {
  it.each(['地图', '梯队分布图', '请给我看看梯队分布图', 'map', 'tier map', 'show me the tier map please', '/iiot MAP', 'ditu'])('%s → the tier map', (q) => {
    const a = ask(q);
    expect(a.intent).toBe('map');
    expect(a.card.image?.picture).toEqual({ kind: 'map' });
    expect(a.tierIds).toEqual(report.tiers.map((t) => t.id));
  });

  it('reads fully without the picture: every tier with its members, what grey means, that it is a schematic', () => {
    const zh = renderText(ask('地图').card);
    for (const t of report.tiers) expect(zh).toContain(`${t.zh}（${t.members.length}）`);
    expect(zh).toContain('湖北');
    expect(zh).toContain('港澳台：不在31个省（市、区）中');
    expect(zh).toContain('示意图');
    const en = renderText(ask('map').card);
    expect(en).toContain('Leading the Way (6)');
    expect(en).toContain('Schematic map');
  });

  it('gives way to a region or a tier named with it: their cards carry their own map', () => {
    expect(ask('湖北地图').intent).toBe('region');
    expect(ask('示范引领 地图').card.image?.picture).toEqual({ kind: 'map', highlight: report.tiers[0].members.slice().sort() });
  });
});

describe('pictures on cards', () => {
  it('a region\'s card: the map with that region highlighted, titled with its tier', () => {
    expect(ask('湖北').card.image).toEqual(mapImage('zh', ['hubei'], '湖北：示范引领梯队'));
    expect(ask('Tibet').card.image?.title).toBe('Tibet 西藏: Getting Started');
    expect(ask('上海的发展路径').card.image?.picture).toEqual({ kind: 'map', highlight: ['shanghai'] });
  });

  it('a tier\'s card: its members highlighted; the tiers overview: bars per tier', () => {
    const rising = report.tiers.find((t) => t.id === 'rising')!;
    expect(ask('tier rising', 'en').card.image).toMatchObject({ picture: { kind: 'map', highlight: [...rising.members].sort() }, title: 'Rapid Rise (11 regions)' });
    expect(ask('梯队').card.image).toEqual(barsImage('zh'));
  });

  it('a comparison: the regions compared; all 31 → the whole map', () => {
    expect(ask('北京和上海对比').card.image?.picture).toEqual({ kind: 'map', highlight: ['beijing', 'shanghai'] });
    expect(ask('compare all').card.image?.picture).toEqual({ kind: 'map' });
  });

  it('a grouping: its members highlighted, titled as the card; next to a region, that region too', () => {
    const yrd = ask('长三角怎么样');
    expect(yrd.groupIds).toEqual(['yangtze-river-delta']);
    // Which regions make up a grouping is general knowledge: the picture says so, as the card does.
    expect(yrd.card.image).toEqual({ ...mapImage('zh', ['shanghai', 'jiangsu', 'zhejiang', 'anhui'], yrd.card.title), note: groupings.provenance.zh });
    expect(yrd.card.image!.alt).toContain('突出显示上海、江苏、浙江、安徽');
    const west = ask('西部');
    expect(west.card.image?.picture).toEqual({ kind: 'map', highlight: [...west.regionIds].sort() });
    expect(west.regionIds.length).toBeGreaterThan(4);
    expect(ask('western China').card.image?.note).toBe(groupings.provenance.en);
    const withHubei = ask('Jing-Jin-Ji vs Hubei');
    expect(withHubei.intent).toBe('group');
    expect(withHubei.card.image?.picture).toEqual({ kind: 'map', highlight: ['beijing', 'hebei', 'hubei', 'tianjin'] });
    expect(withHubei.card.image?.title).toBe(withHubei.card.title);
  });

  it('no picture where it would say nothing: figures, paths, help, about, not covered, unknown, the list of groupings', () => {
    for (const q of ['核心数据', '发展路径', 'help', 'about', '香港', 'xyzzy', 'shanxi', '地区组合']) expect(ask(q).card.image, q).toBeUndefined();
  });

  it('every picture has alt text and a legend of #rrggbb colours, and a highlight names only real regions', () => {
    const withPictures = allAnswers().filter((a) => a.card.image);
    expect(withPictures.length).toBeGreaterThan(100);
    for (const { card } of withPictures) {
      const image = card.image!;
      expect(image.alt.length).toBeGreaterThan(40);
      expect(image.alt.length).toBeLessThanOrEqual(2000);
      for (const e of image.legend) expect(e.color).toMatch(/^#[0-9a-f]{6}$/);
      if (image.picture.kind === 'map') for (const id of image.picture.highlight ?? []) expect(report.regions.some((r) => r.id === id)).toBe(true);
    }
  });

  it('highlights any set of regions (for groupings such as 长三角)', () => {
    const image = mapImage('zh', ['shanghai', 'jiangsu', 'zhejiang', 'anhui', 'nowhere'], '长三角');
    expect(image.picture).toEqual({ kind: 'map', highlight: ['anhui', 'jiangsu', 'shanghai', 'zhejiang'] });
    expect(image.alt).toContain('突出显示上海、江苏、浙江、安徽');
  });
});
