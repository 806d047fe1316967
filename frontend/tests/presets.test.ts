import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../src/lib/settings.svelte';
import { fakeBackend } from './fakes';

describe('system-prompt presets', () => {
  it('loads, saves, and keeps the old list with a reason when Go refuses', async () => {
    const { api } = fakeBackend();
    const settings = new SettingsStore(api);
    await settings.loadPresets();
    expect(settings.presets).toEqual([{ name: 'Translator', prompt: 'Translate.' }]);

    const next = [...settings.presets, { name: 'Pirate', prompt: 'Arr.' }];
    expect(await settings.savePresets(next)).toBe(true);
    expect(settings.presets.map((p) => p.name)).toEqual(['Translator', 'Pirate']);

    api.setPromptPresets.mockRejectedValueOnce({ kind: 'invalid_input', message: 'two presets are called "Pirate"' });
    expect(await settings.savePresets([...next, { name: 'Pirate', prompt: 'Again' }])).toBe(false);
    expect(settings.presets).toHaveLength(2);
    expect(settings.error?.message).toContain('Pirate');
  });
});
