import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWorkspace as workspace, tick } from './workspace';

afterEach(() => cleanup());

describe('keyboard shortcuts', () => {
  it('Ctrl+, opens Settings; Escape closes it', async () => {
    await workspace();
    expect(screen.queryByTestId('settings')).toBeNull();
    await fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    expect(screen.getByTestId('settings')).toBeTruthy();
    expect(screen.getByTestId('settings-general')).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId('settings'), { key: 'Escape' });
    expect(screen.queryByTestId('settings')).toBeNull();
  });

  it('"/" focuses the composer, but not while typing in another field', async () => {
    const { composer } = await workspace();
    (document.activeElement as HTMLElement | null)?.blur();
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(composer);

    const other = document.createElement('input');
    document.body.append(other);
    other.focus();
    const ev = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    other.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(other);
    other.remove();
  });

  it('the sidebar opens the usage page', async () => {
    const { api } = await workspace();
    await fireEvent.click(screen.getByTestId('open-usage'));
    await tick();
    expect(screen.getByTestId('usage-page')).toBeTruthy();
    expect(api.usage).toHaveBeenCalledWith(30);
  });
});
