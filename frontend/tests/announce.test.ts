import { describe, expect, it } from 'vitest';
import { nextAnnouncement, StreamAnnouncer } from '../src/lib/announce';

describe('stream announcements', () => {
  it('announces each paragraph once, when the next one starts, and the tail at the end', () => {
    const a = new StreamAnnouncer();
    const said: string[] = [];
    const say = (text: string, streaming: boolean) => {
      const s = a.update('m1', text, streaming);
      if (s) said.push(s);
    };
    say('Hello', true);
    say('Hello, wor', true);
    say('Hello, world.\n\nSec', true);
    say('Hello, world.\n\nSecond para', true);
    say('Hello, world.\n\nSecond paragraph.\n\nThi', true);
    say('Hello, world.\n\nSecond paragraph.\n\nThird.', false);
    expect(said).toEqual(['Hello, world.', 'Second paragraph.', 'Third.']);
  });

  it('does not read out a reply that was already complete when it appeared', () => {
    const a = new StreamAnnouncer();
    expect(a.update('old', 'An old answer.\n\nWith two paragraphs.', false)).toBe('');
    expect(a.update('new', 'A new', true)).toBe('');
    expect(a.update('new', 'A new answer', false)).toBe('A new answer');
  });

  it('keeps the partial text of a stopped reply: it is said when the stream ends', () => {
    expect(nextAnnouncement('Part one.\n\nPart tw', 11, true)).toEqual({ chunk: 'Part tw', to: 18 });
  });

  it('starts over when the text got shorter (a regenerated reply in the same message)', () => {
    expect(nextAnnouncement('New', 40, true)).toEqual({ chunk: 'New', to: 3 });
  });
});
