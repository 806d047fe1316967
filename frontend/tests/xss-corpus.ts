// Markdown/HTML injection vectors for the message renderer, and a check that rendered output is
// inert. Plain data and DOM code (no Vitest imports), so a real-browser test can reuse both.

export interface Vector {
  name: string;
  markdown: string;
  /** Text that must still be visible (e.g. HTML inside a code fence is shown, not run). */
  visible?: string;
}

export const xssVectors: Vector[] = [
  { name: 'script tag', markdown: 'hi <script>alert(1)</script> there' },
  { name: 'script block', markdown: '<script>\nalert(1)\n</script>' },
  { name: 'img onerror', markdown: '<img src=x onerror=alert(1)>' },
  // A data: image stays an image, so it is the one place an event handler could survive.
  { name: 'data: image onerror', markdown: '<img src="data:image/png;base64,AAAA" onerror=alert(1) onload=alert(2)>' },
  { name: 'img onerror in markdown paragraph', markdown: 'look: <img src="https://evil.example/a.png" onerror="alert(1)"> ok' },
  { name: 'svg onload', markdown: '<svg onload=alert(1)><circle r=10 /></svg>' },
  { name: 'svg script', markdown: '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>' },
  { name: 'math mathml', markdown: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>' },
  { name: 'iframe', markdown: '<iframe src="https://evil.example"></iframe>' },
  { name: 'iframe srcdoc', markdown: '<iframe srcdoc="<script>alert(1)</script>"></iframe>' },
  { name: 'a href javascript', markdown: '<a href="javascript:alert(1)">click</a>' },
  { name: 'md link javascript', markdown: '[x](javascript:alert(1))' },
  { name: 'md link mixed case', markdown: '[x](JaVaScRiPt:alert(1))' },
  { name: 'md link with spaces/tab', markdown: '[x](java\tscript:alert(1)) [y](  javascript:alert(1))' },
  { name: 'md link vbscript', markdown: '[x](vbscript:msgbox(1))' },
  { name: 'md link data html', markdown: '[x](data:text/html,<script>alert(1)</script>)' },
  { name: 'md link data base64', markdown: '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)' },
  { name: 'entity-encoded scheme', markdown: '[x](javascript&#58;alert(1)) <a href="javascript&#58;alert(1)">y</a> <a href="&#106;avascript:alert(1)">z</a>' },
  { name: 'reference link javascript', markdown: '[x][1]\n\n[1]: javascript:alert(1)' },
  { name: 'autolink javascript', markdown: '<javascript:alert(1)>' },
  { name: 'autolinks', markdown: 'see <https://example.com> and www.example.com and mail <a@b.co>' },
  { name: 'details ontoggle', markdown: '<details open ontoggle=alert(1)><summary>s</summary>x</details>' },
  { name: 'style tag', markdown: '<style>body{display:none}</style>text' },
  { name: 'style attribute url()', markdown: '<p style="background:url(https://evil.example/t.png)">x</p><span style="position:fixed;inset:0">y</span>' },
  { name: 'link stylesheet', markdown: '<link rel=stylesheet href=http://evil.example/x.css>' },
  { name: 'meta refresh', markdown: '<meta http-equiv="refresh" content="0;url=https://evil.example">' },
  { name: 'form action', markdown: '<form action="https://evil.example"><input name=q><button formaction="javascript:alert(1)">go</button></form>' },
  { name: 'object', markdown: '<object data="https://evil.example/x.swf"></object>' },
  { name: 'embed', markdown: '<embed src="https://evil.example/x.swf">' },
  { name: 'base href', markdown: '<base href="https://evil.example/">' },
  { name: 'html in code fence', markdown: '```html\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```', visible: '<script>alert(1)</script>' },
  { name: 'html in inline code', markdown: 'run `<img src=x onerror=alert(1)>` now', visible: '<img src=x onerror=alert(1)>' },
  { name: 'html in math', markdown: '$<img src=x onerror=alert(1)>$' },
  { name: 'html in display math', markdown: '$$\n<svg onload=alert(1)>\n$$' },
  { name: 'katex href (untrusted)', markdown: '$\\href{javascript:alert(1)}{x}$ and $\\url{javascript:alert(1)}$' },
  { name: 'katex includegraphics', markdown: '$\\includegraphics{https://evil.example/x.png}$' },
  { name: 'markdown image remote', markdown: '![tracker](https://evil.example/pixel.gif)' },
  { name: 'markdown image javascript', markdown: '![x](javascript:alert(1))' },
  { name: 'image with onerror title', markdown: '![x](https://evil.example/a.png "t\\" onerror=\\"alert(1))' },
  { name: 'img srcset', markdown: '<img srcset="https://evil.example/a.png 1x" src="data:image/png;base64,iVBORw0KGgo=">' },
  { name: 'picture source', markdown: '<picture><source srcset="https://evil.example/a.png"><img src="https://evil.example/b.png"></picture>' },
  { name: 'video poster', markdown: '<video poster="https://evil.example/p.png"><source src="https://evil.example/v.mp4"></video><audio src=x onerror=alert(1)>' },
  { name: 'event attributes', markdown: '<p onclick="alert(1)" onmouseover="alert(1)">x</p><div onpointerenter=alert(1)>y</div>' },
  { name: 'class spoofing', markdown: '<div class="md-copy modal overlay">x</div><code class="language-js x">y</code>' },
  { name: 'data attributes', markdown: '<a data-href="javascript:alert(1)">x</a><span data-copy>y</span>' },
  { name: 'input fields', markdown: '<input type="text" autofocus onfocus=alert(1)><input type=image src=https://evil.example/x.png><textarea>t</textarea><select><option>o</select>' },
  { name: 'noscript/template mXSS', markdown: '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript><template><img src=x onerror=alert(1)></template>' },
  { name: 'unclosed comment', markdown: 'a <!-- <img src=x onerror=alert(1)> b' },
  { name: 'placeholder forgery', markdown: 'x \uE0000\uE001 y $a$' },
  { name: 'dom clobbering', markdown: '<img name="body"><form id="x"><a id="location" href="https://evil.example">x</a>' },
  { name: 'link with title injection', markdown: '[x](https://example.com "\\" onmouseover=\\"alert(1)")' },
];

export const DANGEROUS_TAGS = ['script', 'iframe', 'object', 'embed', 'style', 'link', 'meta', 'base', 'form', 'frame', 'frameset', 'textarea', 'select', 'button:not(.md-copy):not(.md-tool)', 'video', 'audio', 'source', 'picture', 'template', 'noscript'];

const SAFE_URL = /^(?:https?:|mailto:)/i;
const DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|avif);base64,/i;

/** Everything that makes the rendered HTML in `root` not inert; empty when it is safe. */
export function inertProblems(root: Element): string[] {
  const problems: string[] = [];
  for (const sel of DANGEROUS_TAGS) if (root.querySelector(sel)) problems.push(`has <${sel}>`);
  // SVG and MathML only inside KaTeX's own output.
  for (const el of root.querySelectorAll('svg, math')) if (!el.closest('.katex')) problems.push(`<${el.localName}> outside KaTeX`);
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${el.localName}[${name}]`);
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'srcset', 'poster', 'background', 'data'].includes(name)) {
        const ok = (name === 'src' && el.localName === 'img' && DATA_IMAGE.test(attr.value)) || (name === 'href' && SAFE_URL.test(attr.value));
        if (!ok) problems.push(`${el.localName}[${name}=${attr.value}]`);
      }
      if (name === 'data-href' && !SAFE_URL.test(attr.value)) problems.push(`${el.localName}[data-href=${attr.value}]`);
      if (name === 'style' && !el.closest('.katex')) problems.push(`${el.localName}[style] outside KaTeX`);
      if (name === 'style' && /url\s*\(/i.test(attr.value)) problems.push(`${el.localName}[style] with url()`);
    }
  }
  // Links never navigate the app: no href at all.
  for (const a of root.querySelectorAll('a[href]')) problems.push(`a[href=${a.getAttribute('href')}]`);
  for (const img of root.querySelectorAll('img')) {
    if (!DATA_IMAGE.test(img.getAttribute('src') ?? '')) problems.push(`remote img ${img.getAttribute('src')}`);
  }
  return problems;
}
