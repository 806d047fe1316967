import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BuildInfo } from '../src/lib/types';
import { renderWorkspace as workspace, tick } from './workspace';

afterEach(() => cleanup());

describe('About dialog', () => {
  it('opens from the sidebar with the version and build, and Escape closes it', async () => {
    await workspace();
    await fireEvent.click(screen.getByTestId('open-about'));
    const about = screen.getByTestId('about');
    expect(about.getAttribute('role')).toBe('dialog');
    expect(screen.getByTestId('about-version').textContent).toBe('Version 1.2.3');
    expect(about.textContent).toContain('abcdef123456');
    expect(about.textContent).toContain('Go 1.26.0 · Wails 2.16.0');
    expect(about.textContent).toContain('/tmp/qwendesk');
    expect(document.activeElement).toBe(screen.getByTestId('about-close'));
    await fireEvent.keyDown(about, { key: 'Escape' });
    expect(screen.queryByTestId('about')).toBeNull();
  });

  it('copies the same one-line summary `qwendesk --version` prints', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await workspace();
    await fireEvent.click(screen.getByTestId('open-about'));
    await fireEvent.click(screen.getByTestId('about-copy'));
    await tick();
    expect(writeText).toHaveBeenCalledWith('QwenDesk 1.2.3 (commit abcdef123456, go1.26.0, Wails v2.16.0, linux/amd64)');
    expect(screen.getByTestId('about-copy').textContent).toContain('Copied');
  });
});
