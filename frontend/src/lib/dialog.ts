// Keyboard behaviour every modal dialog shares: Escape closes it, Tab cycles inside it.

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), summary';

/** Handles a keydown inside a modal dialog. Returns true when the key was used. */
export function dialogKeydown(e: KeyboardEvent, dialog: HTMLElement | undefined, onClose: () => void): boolean {
  if (e.key === 'Escape' && !e.defaultPrevented) {
    e.preventDefault();
    e.stopPropagation();
    onClose();
    return true;
  }
  if (e.key !== 'Tab' || !dialog) return false;
  // Keep focus inside the dialog: the page behind it is inert to the user.
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (!items.length) return false;
  const first = items[0];
  const last = items[items.length - 1];
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
    return true;
  }
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
    return true;
  }
  return false;
}
