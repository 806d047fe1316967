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
}

// xssReply is every vector, one per paragraph, with beacons pointing at origin.
func xssReply(origin string) string {
	var b strings.Builder
	b.WriteString("Hostile content test. 以下内容不应执行任何东西。\n\n")
	for i, v := range xssVectors {
		fmt.Fprintf(&b, "%d. %s\n\n", i+1, strings.ReplaceAll(v, "{B}", origin+"/beacon"))
	}
	b.WriteString("End of the test.")
	return b.String()
}

// XSSVectorCount is how many vectors the #xss scenario sends.
func XSSVectorCount() int { return len(xssVectors) }
