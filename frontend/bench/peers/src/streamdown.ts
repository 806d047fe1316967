// Streamdown (Vercel's streaming renderer: the answer is split into blocks, each a memoized
// react-markdown render, with incomplete-markdown repair) as its docs set it up for a chat:
// the code plugin (Shiki) and the math plugin (KaTeX), isAnimating while the answer streams.
// singleDollarTextMath: the answer writes inline math as $…$ (as Qwen does), which the plugin
// only reads with this option; without it the three renderers would not show the same text.
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Streamdown } from 'streamdown';
import { code } from '@streamdown/code';
import { createMathPlugin } from '@streamdown/math';
import 'katex/dist/katex.min.css';
import 'streamdown/styles.css';
import './streamdown.css';

const plugins = { code, math: createMathPlugin({ singleDollarTextMath: true }) };

export function mount(target: HTMLElement): (text: string, streaming: boolean) => void {
  const root = createRoot(target);
  return (text, streaming) => {
    // Rendered synchronously inside the update like react-markdown's; the highlighting Shiki
    // finishes later (async grammar loading, then a state update per code block) runs in tasks of
    // its own, which the main-thread CPU total counts and the page waits for before it stops.
    flushSync(() => root.render(createElement(Streamdown, { plugins, isAnimating: streaming }, text)));
  };
}
