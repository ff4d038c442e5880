import { describe, expect, it } from 'vitest';
import {
  OKVED_DIRECTIONS,
  directionsForActivity,
  formatOkved,
  normaliseOkved,
} from '../../../src/modules/participants/okved.js';
import { DIRECTIONS } from '../../../src/modules/directory/lists.js';

describe('ОКЭД → directions of the organisation card (rules item 13)', () => {
  it.each([
    ['87301', ['special_social_services']],
    ['87.10', ['special_social_services']],
    ['88101', ['special_social_services', 'individual_assistant']],
    ['88.10', ['special_social_services', 'individual_assistant']],
    ['88991', ['special_social_services', 'sign_language']],
    ['85.59', ['sign_language']],
    ['47741', ['tsr_sales']],
    ['47.74.0', ['tsr_sales']],
    ['32501', ['tsr_sales']],
    ['86101', ['sanatorium']],
    ['55.90', ['sanatorium']],
  ])('%s opens %j', (code, directions) => {
    expect(directionsForActivity(code)).toEqual(directions);
  });

  it('a code outside the table, or no code, opens nothing', () => {
    for (const code of ['62010', '47110', '86.21', '', 'abc', '88'])
      expect(directionsForActivity(code), code).toEqual([]);
  });

  it('the longest prefix wins (88.10 is not the general 88.9x)', () => {
    expect(directionsForActivity('88910')).toEqual(['special_social_services']);
    expect(directionsForActivity('88101')).toContain('individual_assistant');
  });

  it('every direction of the portal is opened by some code, and the table names only real directions', () => {
    const opened = new Set(OKVED_DIRECTIONS.flatMap((r) => r.directions));
    expect([...opened].sort()).toEqual([...DIRECTIONS].sort());
    for (const r of OKVED_DIRECTIONS) expect(r.prefix).toMatch(/^\d{2,4}$/);
  });

  it('writes and reads codes as the registry does', () => {
    expect(formatOkved('88101')).toBe('88.10.1');
    expect(formatOkved('8559')).toBe('85.59');
    expect(normaliseOkved('88.10.1')).toBe('88101');
    expect(normaliseOkved('8x')).toBe('');
  });
});
