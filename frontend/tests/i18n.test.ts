import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../src/lib/errors';
import { dictionaries, errorText, pickLang, translate, type MessageKey } from '../src/lib/i18n';

describe('i18n', () => {
  it('has every key in both languages, none empty', () => {
    const en = Object.keys(dictionaries.en).sort();
    const zh = Object.keys(dictionaries.zh).sort();
    expect(zh).toEqual(en);
    for (const l of ['en', 'zh'] as const)
      for (const [k, v] of Object.entries(dictionaries[l])) expect(v.trim(), `${l} ${k}`).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(dictionaries.en) as MessageKey[])
      expect(names(dictionaries.zh[k]), k).toEqual(names(dictionaries.en[k]));
  });

  it.each([
    ['zh-CN', 'zh'],
    ['zh-TW', 'zh'],
    ['zh', 'zh'],
    ['zh-Hans-CN', 'zh'],
    ['en-US', 'en'],
    ['de-DE', 'en'],
    ['ja', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ] as const)('picks %s → %s', (locale, want) => {
    expect(pickLang(locale)).toBe(want);
  });

  it.each(ERROR_KINDS.map((k) => [k]))('error kind %s has a title and a hint in both languages', (kind) => {
    for (const l of ['en', 'zh'] as const) {
      const { title, hint } = errorText(kind, l);
      expect(title).not.toBe(errorText('unknown', l).title);
      expect(hint).not.toBe(errorText('unknown', l).hint);
      expect(title.length).toBeGreaterThan(1);
      expect(hint.length).toBeGreaterThan(5);
    }
  });

  it('the auth hint says keys are bound to a region', () => {
    expect(errorText('auth', 'en').hint).toMatch(/region/);
    expect(errorText('auth', 'zh').hint).toMatch(/地域/);
  });

  it('falls back to a generic title for an unknown kind', () => {
    expect(errorText('something_new', 'en').title).toBe('Something went wrong');
  });

  it('fills parameters', () => {
    expect(translate('en', 'msg.retrying', { attempt: 2 })).toBe('Retrying… (attempt 2)');
    expect(translate('zh', 'msg.retrying', { attempt: 2 })).toBe('正在重试…（第 2 次）');
  });
});
