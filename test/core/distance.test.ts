import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/core/distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('hubei', 'hubei')).toBe(0);
    expect(editDistance('zhejang', 'zhejiang')).toBe(1);
    expect(editDistance('hubie', 'hubei')).toBe(1);
    expect(editDistance('guizou', 'guizhou')).toBe(1);
    expect(editDistance('hunan', 'henan')).toBe(1);
    expect(editDistance('hunan', 'hainan')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('ca', 'abc')).toBe(3); // OSA, not unrestricted Damerau
  });

  it('is a symmetric bound between 0 and the longer length (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
      const d = editDistance(a, b);
      expect(d).toBe(editDistance(b, a));
      expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      expect(d === 0).toBe(a === b);
    }));
  });
});
