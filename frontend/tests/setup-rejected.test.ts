// The setup screen with a key set in the environment or a .env file that cannot be used.
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SetupScreen from '../src/components/SetupScreen.svelte';
import { setLanguage, type Lang } from '../src/lib/i18n';
import { SettingsStore } from '../src/lib/settings.svelte';
import type { RejectedKey } from '../src/lib/types';
import { appStatus, fakeBackend, keyStatus } from './fakes';

afterEach(() => {
  cleanup();
  setLanguage('en');
});

async function setup(rejected: RejectedKey[], over: { keychainAvailable?: boolean; lang?: Lang } = {}) {
  const fb = fakeBackend();
  fb.api.status.mockResolvedValue(
    appStatus({
      key: keyStatus({
        hasKey: false,
        source: '',
        last4: '',
        envKeyPresent: rejected.some((r) => r.source !== 'dotenv'),
        keychainAvailable: over.keychainAvailable ?? true,
        rejected,
      }),
    }),
  );
  const settings = new SettingsStore(fb.api);
  await settings.refresh(); // applies the saved preferences, language included
  setLanguage(over.lang ?? 'en');
  render(SetupScreen, { settings });
  return screen.queryAllByTestId('key-rejected').map((n) => n.textContent?.trim());
}

const env = (reason: string, name = 'DASHSCOPE_API_KEY'): RejectedKey => ({
  source: `env:${name}` as RejectedKey['source'],
  name,
  path: '',
  reason,
});

// Each reason Go reports, with the exact sentence a user reads in each language.
const reasons: [string, string, string][] = [
  ['too_short', 'it is too short (fewer than 8 characters)', '太短（少于 8 个字符）'],
  ['wrong_prefix', 'it does not start with “sk-”', '不以“sk-”开头'],
  ['invalid_chars', 'it contains spaces, quotes or other characters that cannot be part of a key', '含有空格、引号或其他不能出现在密钥中的字符'],
  ['multiline', 'it spans several lines', '值跨越多行'],
  ['too_long', 'it is too long (more than 512 characters)', '太长（超过 512 个字符）'],
  ['empty', 'it is blank', '值为空白'],
  ['some_future_reason', 'it cannot be used as a key', '无法用作密钥'],
];

describe('setup screen: a key that is set but not usable', () => {
  for (const [reason, en, zh] of reasons) {
    it(`says why DASHSCOPE_API_KEY is not used (${reason}), in English and Chinese`, async () => {
      expect(await setup([env(reason)])).toEqual([`DASHSCOPE_API_KEY is set but is not a DashScope key: ${en}.`]);
      cleanup();
      expect(await setup([env(reason)], { lang: 'zh' })).toEqual([`已设置 DASHSCOPE_API_KEY，但它不是 DashScope API Key：${zh}。`]);
    });
  }

  it('names API_KEY and a .env file with its path, one sentence each', async () => {
    const dot: RejectedKey = { source: 'dotenv', name: 'API_KEY', path: '/home/u/proj/.env', reason: 'wrong_prefix' };
    expect(await setup([env('too_short', 'API_KEY'), dot])).toEqual([
      'API_KEY is set but is not a DashScope key: it is too short (fewer than 8 characters).',
      'API_KEY in /home/u/proj/.env is set but is not a DashScope key: it does not start with “sk-”.',
    ]);
    cleanup();
    expect(await setup([dot], { lang: 'zh' })).toEqual(['/home/u/proj/.env 中设置了 API_KEY，但它不是 DashScope API Key：不以“sk-”开头。']);
  });

  it('offers no button for the unusable key and never says to set what is set', async () => {
    await setup([env('too_short')], { keychainAvailable: false });
    expect(screen.queryByRole('button', { name: /environment/i })).toBeNull();
    const warning = screen.getByTestId('keychain-missing').textContent ?? '';
    expect(warning).not.toContain('Set the DASHSCOPE_API_KEY');
    expect(warning).toContain('Correct the key named above');
    cleanup();
    await setup([env('too_short')], { keychainAvailable: false, lang: 'zh' });
    expect(screen.getByTestId('keychain-missing').textContent).not.toContain('请设置环境变量');
  });

  it('without a rejected key the keychain warning still says to set DASHSCOPE_API_KEY', async () => {
    expect(await setup([], { keychainAvailable: false })).toEqual([]);
    expect(screen.getByTestId('keychain-missing').textContent).toContain('Set the DASHSCOPE_API_KEY environment variable');
  });
});
