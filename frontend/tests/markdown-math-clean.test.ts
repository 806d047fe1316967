import DOMPurify, { type Config } from 'dompurify';
import { describe, expect, it } from 'vitest';
import { renderTex } from '../src/lib/markdown/math';
import { cleanMath } from '../src/lib/markdown/sanitize';
import { inertProblems } from './xss-corpus';

// The DOMPurify configuration KaTeX's output went through before cleanMath: the reference.
const KATEX: Config = {
  USE_PROFILES: { html: true, svg: true, mathMl: true },
  ADD_TAGS: ['semantics', 'annotation'],
  ADD_ATTR: ['encoding'],
  FORBID_TAGS: ['a', 'img', 'image', 'use', 'foreignObject', 'form', 'input', 'button', 'style', 'iframe', 'audio', 'video'],
  FORBID_ATTR: ['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
};
const purifier = DOMPurify(window);
purifier.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'style' && /url\s*\(|expression|@import|\\|javascript:|behavior|binding/i.test(data.attrValue)) data.keepAttr = false;
});
purifier.setConfig({ ...KATEX, IN_PLACE: true });

function parsed(html: string): HTMLElement {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const box = tpl.content.ownerDocument.createElement('span');
  box.className = 'katex';
  box.append(tpl.content);
  return box;
}

const FORMULAS = [
  'E = mc^2', '\\alpha + \\beta = \\gamma', 'O(n \\log n)', '\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}', 'x_i^2',
  '\\sqrt{a^2+b^2}', '\\sqrt[3]{x}', 'p \\le 0.05', '\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}',
  '\\mathbf{A} = \\begin{pmatrix} a_{11} & a_{12} \\\\ a_{21} & a_{22} \\end{pmatrix}',
  'f(x) = \\sum_{n=0}^{\\infty} \\frac{f^{(n)}(a)}{n!}(x-a)^n', '\\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0}',
  '\\begin{cases} x & x > 0 \\\\ -x & \\text{otherwise} \\end{cases}', '\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}',
  '\\color{red}{x} + \\textcolor{#0a0}{y} + \\colorbox{yellow}{z}', '\\boxed{x}', '\\cancel{x} \\bcancel{y} \\xcancel{z}',
  '\\overbrace{a+b}^{n} \\underbrace{c+d}_{m}', '\\overrightarrow{AB} \\widehat{xyz} \\tilde{a} \\vec{v}',
  '\\xrightarrow[under]{over} \\xleftarrow{x}', '\\left( \\frac{a}{b} \\right] \\Bigg\\{ x \\Bigg\\}', '\\not= \\neq \\notin',
  '\\mathbb{R} \\mathcal{L} \\mathfrak{g} \\mathrm{d}x \\operatorname{sgn}', '\\text{中文 <b>x</b> & more}',
  '\\hbox{a} \\mathllap{b} \\phantom{c} \\hphantom{d}', '\\begin{array}{c|c} 1 & 2 \\\\ \\hline 3 & 4 \\end{array}',
  '\\binom{n}{k} \\tbinom{a}{b} \\dfrac{1}{2}', '\\lim_{x \\to 0} \\frac{\\sin x}{x} = 1', '\\overline{x} \\underline{y}',
  '\\href{https://example.com}{x}', '\\tag{1} a = b', '\\stackrel{!}{=} \\overset{a}{b} \\underset{c}{d}',
  '\\rule{1em}{2em} \\kern1em \\hspace{2em} \\\\ x', '\\verb|<img src=x>|', '\\sqrt{\\smash{x}} \\mathstrut',
];

describe('cleanMath (KaTeX output)', () => {
  for (const display of [false, true]) {
    it(`keeps exactly what the previous DOMPurify configuration kept (${display ? 'display' : 'inline'})`, () => {
      let checked = 0;
      for (const tex of FORMULAS) {
        const html = renderTex(tex, display);
        if (html === null) continue;
        const ref = parsed(html);
        purifier.sanitize(ref);
        const ours = parsed(html);
        cleanMath(ours);
        expect(ours.innerHTML, tex).toBe(ref.innerHTML);
        checked++;
      }
      expect(checked).toBeGreaterThan(FORMULAS.length - 4);
    });
  }

  it('removes anything KaTeX does not write', () => {
    const evil = parsed(
      '<span class="x" onclick="alert(1)" style="background:url(https://evil.example/a.png)">a</span>' +
        '<img src=x onerror=alert(1)><script>alert(1)</script><a href="javascript:alert(1)">l</a>' +
        '<svg><use href="#x"></use><foreignObject><img src=x></foreignObject><path d="M0 0" onload="alert(1)"></path></svg>' +
        '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext>' +
        '<annotation-xml encoding="text/html"><img src=x></annotation-xml><mi xlink:href="javascript:alert(1)">x</mi></math>' +
        '<!-- c --><iframe src="https://evil.example"></iframe><style>*{}</style><form action="x"><input></form>',
    );
    cleanMath(evil);
    expect(inertProblems(evil)).toEqual([]);
    expect(evil.querySelector('img, script, a, use, foreignObject, mglyph, style, iframe, form, input, annotation-xml, table')).toBeNull();
    expect(evil.innerHTML).not.toMatch(/onclick|onload|url\(|<!--|xlink/);
    expect(evil.querySelector('span.x')?.textContent).toBe('a');
    expect(evil.querySelector('path')?.getAttribute('d')).toBe('M0 0');
  });
});
