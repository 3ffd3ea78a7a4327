import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSoundIndex, SOUND_INDEX_FILE } from '../tools/sound-index.js';

describe('src/core/sound-index.json', () => {
  it('is up to date with the places in data/ (regenerate: node --import tsx test/tools/sound-index.ts)', () => {
    expect(JSON.parse(readFileSync(SOUND_INDEX_FILE, 'utf8'))).toEqual(buildSoundIndex());
  });
});
