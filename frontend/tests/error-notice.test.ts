import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ErrorNotice from '../src/components/ErrorNotice.svelte';
import { ERROR_KINDS } from '../src/lib/errors';
import { translate } from '../src/lib/i18n';

// Every kind Go can send has its own title and hint: a kind that fell back to the generic
// "Something went wrong" would tell a user with a full disk nothing about the disk.
describe('ErrorNotice', () => {
  it.each([...ERROR_KINDS])('shows its own title for %s', (kind) => {
    render(ErrorNotice, { error: { kind, message: '', requestIdFromServer: '' } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(translate('en', `error.title.${kind}` as never));
    expect(alert.textContent).not.toContain(translate('en', 'error.title.unknown'));
  });

  it('says what a storage failure is and what to do', () => {
    render(ErrorNotice, { error: { kind: 'storage', message: 'disk full', requestIdFromServer: '' } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The history file could not be written');
    expect(alert.textContent).toContain('disk is not full');
  });
});
