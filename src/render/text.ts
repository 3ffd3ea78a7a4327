import type { Card } from '../core/types.js';

/** A card as plain text: for terminals, logs and the platforms' notification fallbacks. */
export function renderText(card: Card, options: { numberActions?: boolean } = {}): string {
  const lines: string[] = [card.subtitle ? `${card.title} · ${card.subtitle}` : card.title];
  if (card.followUp) lines.push(card.followUp);
  for (const s of card.sections) {
    lines.push('');
    if (s.heading) lines.push(`${s.heading}`);
    if (s.text) lines.push(s.text);
    for (const item of s.items ?? []) lines.push(`  • ${item}`);
    for (const f of s.fields ?? []) lines.push(`  ${f.label}: ${f.value}`);
  }
  if (card.source) lines.push('', card.source);
  if (options.numberActions && card.actions.length > 0) {
    lines.push('', card.actions.map((a, i) => `[${i + 1}] ${a.label}`).join('  '));
  }
  return lines.join('\n');
}
