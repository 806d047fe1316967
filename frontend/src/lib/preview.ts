// The document a preview frame shows. Model-written HTML and SVG are shown in an iframe with
// an empty sandbox: an opaque origin (never the app's), no scripts, no forms, no popups, no
// top-level navigation. On top of that, a policy of its own is the first thing in the
// document's <head>, before any of the model's markup: nothing loads from anywhere (styles only
// inline, images only data: and blob:) and nothing connects, so a page cannot phone home.
//
// Why no allow-scripts: WebKitGTK puts Wails' IPC handler (window.webkit.messageHandlers.external)
// in every frame, sandboxed or not, and Wails checks only the main page's URL, so a script in the
// preview could call any bound Go method (the end-to-end test saw SetModel go through). Until
// the bindings can tell frames apart, previews render markup and CSS (SVG animations included)
// but run no script.
//
// srcdoc is enough: it gets the app's policy as well as its own (both apply), and the app's
// frame-src 'none' does not stop an about:srcdoc frame, so the app's policy needs no change.

/** The preview's own Content-Security-Policy. */
export const PREVIEW_CSP =
  "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data: blob:; " +
  "font-src data:; media-src data: blob:; connect-src 'none'; frame-src 'none'; child-src 'none'; " +
  "worker-src 'none'; form-action 'none'; base-uri 'none'";

/** The frame's sandbox: every restriction, none lifted (see above for why not allow-scripts). */
export const PREVIEW_SANDBOX = '';

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The srcdoc for a preview. The <head> is left open so that a whole document the model wrote
 * (doctype, <html>, <head>, <body>) parses into this one: its head elements join ours after the
 * policy, which is already in force and which a later <meta> can only narrow, never widen.
 */
export function previewDocument(kind: 'html' | 'svg', source: string): string {
  const head =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(PREVIEW_CSP)}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">';
  if (kind === 'svg') {
    return (
      head +
      '<style>html,body{margin:0;height:100%;background:#fff}body{display:flex;align-items:center;justify-content:center}' +
      'svg{max-width:100%;max-height:100%}</style></head><body>' +
      source +
      '</body></html>'
    );
  }
  return head + '<style>html{background:#fff;color:#111}</style>' + source;
}
