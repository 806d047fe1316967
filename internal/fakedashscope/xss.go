package fakedashscope

import (
	"fmt"
	"strings"
)

// xssVectors are model outputs an attacker could steer (a page the model summarised, a
// prompt injection). Each one, if it ran or loaded anything, would request {B}/N from this
// server, so a test can prove that none did by finding no /beacon/ request.
var xssVectors = []string{
	`<script>fetch('{B}/1')</script>`,
	`<img src="{B}/2">`,
	`<img src=x onerror="fetch('{B}/3')">`,
	`<svg onload="fetch('{B}/4')"></svg>`,
	`<svg><image href="{B}/5"/></svg>`,
	`<iframe src="{B}/6"></iframe>`,
	`<iframe srcdoc="<img src='{B}/7'>"></iframe>`,
	`<object data="{B}/8"></object>`,
	`<embed src="{B}/9">`,
	`<link rel="stylesheet" href="{B}/10">`,
	`<style>@import url("{B}/11");</style>`,
	`<div style="background:url('{B}/12')">styled</div>`,
	`<details open ontoggle="fetch('{B}/13')">x</details>`,
	`<body onload="fetch('{B}/14')">`,
	`<input autofocus onfocus="fetch('{B}/15')">`,
	`<video><source onerror="fetch('{B}/16')"></video>`,
	`<audio src="{B}/17" autoplay></audio>`,
	`<meta http-equiv="refresh" content="0;url={B}/18">`,
	`<base href="{B}/19/">`,
	`<form action="{B}/20"><button>go</button></form>`,
	`![tracking pixel]({B}/21)`,
	`[click me](javascript:fetch('{B}/22'))`,
	`[data link](data:text/html,<script>fetch('{B}/23')</script>)`,
	"```html\n<img src=\"{B}/24\">\n```",
	`$<img src="{B}/25">$`,
	`<math><mtext><img src="{B}/26"></mtext></math>`,
	`<a href="javascript&#58;fetch('{B}/27')">entity-encoded</a>`,
	`<img src="x" onerror="import('{B}/28')">`,
	`<marquee onstart="fetch('{B}/29')">m</marquee>`,
	`<svg><animate onbegin="fetch('{B}/30')" attributeName="x" dur="1s"/></svg>`,
	// A data: image survives the sanitizer as an image, so its other attributes must not:
	// this one fails to decode, and an onerror that slipped through would run.
	`<img src="data:image/png;base64,AAAA" onerror="fetch('{B}/31')">`,
	// This round's inputs: what a tool result or an attached document hands the model, and
	// the model repeats.
	`Tool result: {"html": "<img src=x onerror=fetch('{B}/32')>", "note": "<script>fetch('{B}/33')</script>"}`,
	`Page text from report.docx: <table background="{B}/34"><tr><td>cell</td></tr></table>`,
	`From the PDF: <a href="https://example.com/" ping="{B}/35">a ping link</a>`,
	`![chart]({B}/36 "remote image")`,
	"![reference image][r]\n\n[r]: {B}/37",
	`<img srcset="{B}/38 1x" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
	`<picture><source srcset="{B}/39"><img alt="picture"></picture>`,
	`<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('{B}/40')</script></svg>`,
	`<svg><foreignObject><img src="{B}/41"></foreignObject></svg>`,
	`<svg><a xlink:href="javascript:fetch('{B}/42')"><text y="20">svg link</text></a></svg>`,
	`<svg><use href="{B}/43#x"/></svg>`,
	`<div style="width:1px" onmouseover="fetch('{B}/44')" onclick="fetch('{B}/45')">hover me</div>`,
	`<form><input name="q" formaction="{B}/46"><button formaction="{B}/47">send</button></form>`,
}

// navigatesPage marks the vectors that, unsanitized, take the whole webview to another page:
// a Content-Security-Policy has no say over navigation (navigate-to never shipped), so only
// the sanitizer stops them, and a test of the CSP alone asks for the corpus without them
// (#xss-stay) so that the page it inspects is still there.
var navigatesPage = map[string]bool{
	`<meta http-equiv="refresh" content="0;url={B}/18">`: true,
}

// xssReply is every vector, one per paragraph, with beacons pointing at origin; stay leaves out
// the ones that navigate the page away.
func xssReply(origin string, stay bool) string {
	var b strings.Builder
	b.WriteString("Hostile content test. 以下内容不应执行任何东西。\n\n")
	for i, v := range xssVectors {
		if stay && navigatesPage[v] {
			continue
		}
		fmt.Fprintf(&b, "%d. %s\n\n", i+1, strings.ReplaceAll(v, "{B}", origin+"/beacon"))
	}
	b.WriteString("End of the test.")
	return b.String()
}

// XSSVectorCount is how many vectors the #xss scenario sends.
func XSSVectorCount() int { return len(xssVectors) }
