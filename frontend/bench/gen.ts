// A deterministic ~100 KB markdown answer of the kind a model writes: headings, mixed Chinese and
// English prose with inline code, emphasis and inline math, display math, code fences in several
// languages, tables and nested lists. Same seed → same text, so every run streams the same bytes.

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN = (
  'the model returns a stream of tokens and each update appends a few characters to the answer so the renderer ' +
  'must keep up without blocking the main thread while the user scrolls reads or copies code from earlier blocks ' +
  'latency matters more than throughput here because every frame that takes too long is a visible stutter'
).split(' ');
const ZH = '流式输出的每一次更新只会在答案末尾追加少量字符因此渲染器只需要重新处理最后一个块已经完成的代码块表格和公式都应当保持不变这样长回答也不会越来越慢用户可以一边阅读一边滚动'.split('');
const MATH_INLINE = ['E = mc^2', '\\alpha + \\beta = \\gamma', 'O(n \\log n)', '\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}', 'x_i^2', '\\sqrt{a^2+b^2}', 'p \\le 0.05'];
const MATH_BLOCK = [
  '\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}',
  '\\mathbf{A} = \\begin{pmatrix} a_{11} & a_{12} \\\\ a_{21} & a_{22} \\end{pmatrix}',
  'f(x) = \\sum_{n=0}^{\\infty} \\frac{f^{(n)}(a)}{n!}(x-a)^n',
  '\\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0}',
];
const CODE: Record<string, string[]> = {
  python: [
    'def fib(n: int) -> int:',
    '    """Return the n-th Fibonacci number."""',
    '    a, b = 0, 1',
    '    for _ in range(n):',
    '        a, b = b, a + b',
    '    return a',
    '',
    'print([fib(i) for i in range(10)])  # 斐波那契',
  ],
  go: [
    'func (c *coalescer) take(now time.Time) (string, string) {',
    '\tcontent, reasoning := string(c.content), string(c.reasoning)',
    '\tc.content = c.content[:0]',
    '\tc.reasoning = c.reasoning[:0]',
    '\tc.flushedAt = now',
    '\treturn content, reasoning',
    '}',
  ],
  typescript: [
    'export async function* tokens(res: Response): AsyncGenerator<string> {',
    '  const reader = res.body!.getReader();',
    '  const dec = new TextDecoder();',
    '  for (;;) {',
    '    const { value, done } = await reader.read();',
    '    if (done) return;',
    '    yield dec.decode(value, { stream: true });',
    '  }',
    '}',
  ],
  rust: [
    'fn main() {',
    '    let words: Vec<&str> = "hello 世界 streaming".split_whitespace().collect();',
    '    for (i, w) in words.iter().enumerate() {',
    '        println!("{i}: {w}");',
    '    }',
    '}',
  ],
  sql: [
    'SELECT c.id, c.title, COUNT(m.id) AS messages',
    'FROM conversations c',
    'JOIN messages m ON m.conversation_id = c.id',
    "WHERE m.created_at > datetime('now', '-7 days')",
    'GROUP BY c.id',
    'ORDER BY messages DESC',
    'LIMIT 20;',
  ],
  bash: ['set -euo pipefail', 'for f in *.md; do', '  wc -c "$f"', 'done | sort -n | tail -5', 'echo "完成 done"'],
  json: ['{', '  "model": "qwen-max",', '  "stream": true,', '  "messages": [{ "role": "user", "content": "你好" }]', '}'],
};
const LANGS = Object.keys(CODE);

export function generateAnswer(target = 100_000, seed = 42): string {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  let formula = 0;
  const inlineMath = () => `${pick(MATH_INLINE)} + c_{${++formula}}`;
  const blockMath = () => `${pick(MATH_BLOCK)} + \\lambda_{${++formula}}`;
  const words = (n: number) => Array.from({ length: n }, () => pick(EN)).join(' ');
  const zh = (n: number) => Array.from({ length: n }, () => pick(ZH)).join('');
  const sentence = () => {
    const parts: string[] = [];
    const n = 2 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const k = r();
      if (k < 0.35) parts.push(zh(8 + Math.floor(r() * 20)) + '，');
      else if (k < 0.5) parts.push('`' + pick(EN) + '_' + pick(EN) + '()`');
      else if (k < 0.6) parts.push('**' + words(2) + '**');
      else if (k < 0.68) parts.push('*' + zh(4) + '*');
      else if (k < 0.78) parts.push('$' + inlineMath() + '$');
      else parts.push(words(5 + Math.floor(r() * 8)));
    }
    const s = parts.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1) + (r() < 0.5 ? '。' : '.');
  };
  const paragraph = () => Array.from({ length: 2 + Math.floor(r() * 3) }, sentence).join(' ');
  const table = () => {
    const cols = 3 + Math.floor(r() * 3);
    const head = Array.from({ length: cols }, (_, i) => (i % 2 ? zh(3) : pick(EN)));
    const rows = Array.from({ length: 4 + Math.floor(r() * 5) }, () =>
      Array.from({ length: cols }, (_, i) => (i === 0 ? '`' + pick(EN) + '`' : i % 2 ? zh(2 + Math.floor(r() * 5)) : (r() * 1000).toFixed(1))),
    );
    return ['| ' + head.join(' | ') + ' |', '|' + head.map((_, i) => (i === 0 ? ' :--- ' : ' ---: ')).join('|') + '|', ...rows.map((row) => '| ' + row.join(' | ') + ' |')].join('\n');
  };
  const list = (ordered: boolean) => {
    const out: string[] = [];
    const n = 3 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      out.push((ordered ? `${i + 1}. ` : '- ') + sentence());
      if (r() < 0.5) {
        const indent = ordered ? '   ' : '  ';
        for (let j = 0; j < 2 + Math.floor(r() * 2); j++) {
          out.push(indent + '- ' + (r() < 0.5 ? zh(10 + Math.floor(r() * 10)) : words(6)));
          if (r() < 0.3) out.push(indent + '  - ' + words(4) + ' $' + inlineMath() + '$');
        }
      }
    }
    return out.join('\n');
  };
  const code = () => {
    const lang = pick(LANGS);
    const body = CODE[lang];
    const reps = 1 + Math.floor(r() * 3);
    const lines: string[] = [];
    for (let i = 0; i < reps; i++) lines.push(...body, '');
    return '```' + lang + '\n' + lines.join('\n').trimEnd() + '\n```';
  };

  const blocks: string[] = ['# ' + zh(6) + ' Streaming Markdown Benchmark', paragraph()];
  let size = blocks.join('\n\n').length;
  let section = 1;
  while (size < target) {
    const k = r();
    let b: string;
    if (k < 0.08) b = `## ${section++}. ${zh(5)} ${words(3)}`;
    else if (k < 0.38) b = paragraph();
    else if (k < 0.55) b = code();
    else if (k < 0.66) b = table();
    else if (k < 0.8) b = list(r() < 0.5);
    else if (k < 0.88) b = '$$\n' + blockMath() + '\n$$';
    else if (k < 0.93) b = '> ' + sentence() + '\n> ' + sentence();
    else b = paragraph();
    blocks.push(b);
    size += b.length + 2;
  }
  return blocks.join('\n\n') + '\n';
}
