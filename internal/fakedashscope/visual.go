package fakedashscope

import "strings"

// diagramReply has a Mermaid diagram that parses and one that does not, for the diagram
// tests and screenshots.
const diagramReply = "Here is how a question picks its model:\n\n" +
	"```mermaid\nflowchart TD\n  Q[Question 问题] --> C{Needs reasoning?}\n  C -->|yes| M[qwen3-max]\n  C -->|no| P{Long context?}\n" +
	"  P -->|yes| L[qwen-plus]\n  P -->|no| F[qwen-flash]\n```\n\n" +
	"And one with a mistake in it:\n\n```mermaid\nflowchart TD\n  A --> \n```\n\nThat is all."

// previewProbe is a page that tries every way out of the preview frame. Its script lists what
// each attempt achieved in its own body (readable from the window's accessibility tree), so a
// test sees whether scripts ran at all; the markup around it tries to load and navigate without
// a script. Every attempt that reaches the network requests {B}/… on this server, so a test
// that finds no /beacon/ request knows none got out.
const previewProbe = `<!doctype html>
<html><head><title>probe</title><style>body{font:15px system-ui;margin:16px}li{margin:4px 0}</style>
<meta http-equiv="refresh" content="1;url={B}/p-refresh">
<link rel="stylesheet" href="{B}/p-css"><style>@import url("{B}/p-import");</style></head>
<body>
<h1>Isolation probe</h1>
<p>This page stays in its frame.</p>
<img src="{B}/p-img" alt=""><iframe src="{B}/p-frame"></iframe><object data="{B}/p-object"></object>
<div style="background:url('{B}/p-bg');width:10px;height:10px"></div>
<form action="{B}/p-form" id="f"><input name="q" value="x"></form>
<ul id="r"></ul>
<script>
function out(k, v) { var li = document.createElement('li'); li.textContent = 'probe-' + k + ': ' + v; document.getElementById('r').appendChild(li); }
out('script', 'ran');
try { out('parent', 'READ ' + window.parent.document.title); } catch (e) { out('parent', 'blocked'); }
try { out('go', (typeof window.go === 'undefined' && typeof window.parent.go === 'undefined') ? 'absent' : 'PRESENT'); } catch (e) { out('go', 'absent'); }
try {
  var h = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.external;
  if (h) {
    h.postMessage('C' + JSON.stringify({ name: 'main.App.SetModel', args: ['qwen-escaped'], callbackID: 'probe' }));
    out('ipc', 'PRESENT');
  } else { out('ipc', 'absent'); }
} catch (e) { out('ipc', 'blocked'); }
try { localStorage.setItem('probe', '1'); out('storage', 'OPEN'); } catch (e) { out('storage', 'blocked'); }
try { fetch('{B}/p-fetch').then(function () { out('fetch', 'REACHED'); }, function () { out('fetch', 'blocked'); }); } catch (e) { out('fetch', 'blocked'); }
try { var x = new XMLHttpRequest(); x.open('GET', '{B}/p-xhr'); x.onload = function () { out('xhr', 'REACHED'); }; x.onerror = function () { out('xhr', 'blocked'); }; x.send(); } catch (e) { out('xhr', 'blocked'); }
try { navigator.sendBeacon('{B}/p-beacon'); } catch (e) {}
try { new Image().src = '{B}/p-img'; } catch (e) {}
try { var w = window.open('{B}/p-open'); out('open', w ? 'OPENED' : 'blocked'); } catch (e) { out('open', 'blocked'); }
try { window.top.location.href = '{B}/p-top'; out('top', 'tried'); } catch (e) { out('top', 'blocked'); }
setTimeout(function () { out('done', 'yes'); }, 800);
</script>
</body></html>`

// previewReply is an answer with the probe as an html block and a small SVG to preview.
func previewReply(origin string) string {
	return "Try this page in the preview:\n\n```html\n" + strings.ReplaceAll(previewProbe, "{B}", origin+"/beacon") + "\n```\n\n" +
		"And a picture:\n\n```svg\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 60\"><rect x=\"4\" y=\"4\" width=\"112\" height=\"52\" rx=\"10\" fill=\"#615ced\"/>" +
		"<text x=\"60\" y=\"37\" font-size=\"16\" text-anchor=\"middle\" fill=\"#fff\">QwenDesk</text></svg>\n```\n"
}

// MissingModelPrefix makes the fake answer 404 model-not-found for any model whose name
// starts with it, so one column of a comparison can fail while the others stream.
const MissingModelPrefix = "qwen-missing"
