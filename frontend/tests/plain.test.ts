import { describe, expect, it } from 'vitest';
import { toPlainText } from '../src/lib/markdown/plain';

describe('copy as plain text', () => {
  it('drops the Markdown marks and keeps the words, one paragraph per block', () => {
    const text = toPlainText('## Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n```go\nfmt.Println(1)\n```');
    expect(text).toContain('Title');
    expect(text).toContain('Some bold and code.');
    expect(text).not.toMatch(/\*\*|##|```/);
    expect(text).toContain('fmt.Println(1)');
  });
});
