import { describe, expect, it } from 'vitest';
import { Hub } from '../src/lib/hub';

describe('hub', () => {
  it('calls each listener of a notice with its value, and stops after unsubscribe', () => {
    const hub = new Hub<{ ended: string; created: number }>();
    const got: string[] = [];
    const off = hub.on('ended', (id) => got.push(`a:${id}`));
    hub.on('ended', (id) => got.push(`b:${id}`));
    hub.on('created', (n) => got.push(`created:${n}`));
    hub.emit('ended', 'c1');
    off();
    hub.emit('ended', 'c2');
    expect(got).toEqual(['a:c1', 'b:c1', 'b:c2']);
  });

  it('a listener that unsubscribes while called does not make the next one miss the notice', () => {
    const hub = new Hub<{ ended: string }>();
    const got: string[] = [];
    const off = hub.on('ended', () => {
      got.push('first');
      off();
    });
    hub.on('ended', () => got.push('second'));
    hub.emit('ended', 'c1');
    expect(got).toEqual(['first', 'second']);
  });
});
