import { describe, expect, it } from 'vitest';
import { bytes, time } from './format';

describe('numbers for people', () => {
  it('writes times year first in both languages, in local time', () => {
    const local = new Date(2026, 11, 3, 6, 49, 1).toISOString();  // 3 December, whatever the time zone
    expect(time(local, 'en')).toBe('2026-12-03 06:49:01');
    expect(time(local, 'zh')).toMatch(/^2026\/12\/3/);
    expect(time(null, 'en')).toBe('-');
    expect(time('not a time', 'en')).toBe('not a time');
  });
  it('writes sizes in binary units, the number and its unit never split across lines', () => {
    expect(bytes(1023)).toBe('1023\u00a0B');
    expect(bytes(111236440)).toBe('106.1\u00a0MiB');
    expect(bytes(undefined)).toBe('-');
  });
});
