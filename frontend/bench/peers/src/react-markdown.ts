// The way Chatbox, LobeChat and NextChat render a streamed answer: react-markdown re-parses and
// re-renders the whole answer on every update. Configured like NextChat's markdown.tsx
// (remark-math, remark-gfm, rehype-katex, rehype-highlight with detect: false), minus its custom
// components (copy button on <pre>, link handling) and remark-breaks, which would turn the answer's
// single newlines into <br> and so change the text the three renderers are compared on.
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import rehypeHighlight from 'rehype-highlight';
import 'katex/dist/katex.min.css';
import 'highlight.js/styles/github.css';

const remarkPlugins = [remarkMath, remarkGfm];
const rehypePlugins = [rehypeKatex, [rehypeHighlight, { detect: false, ignoreMissing: true }]] as never[];

export function mount(target: HTMLElement): (text: string, streaming: boolean) => void {
  const root = createRoot(target);
  return (text) => {
    // flushSync: React renders inside this call, so the work lands in the measured update (and
    // frame), as a setState in a chat store would be rendered before the next paint.
    flushSync(() => root.render(createElement(Markdown, { remarkPlugins, rehypePlugins }, text)));
  };
}
