//go:build linux

package main

import "os"

// tuneWebKit sets what lowers WebKitGTK's memory before Wails starts it. Measured with
// cmd/benchapp (scripts/bench-app.sh -launches 1), seven A/B launches each, alternated in
// one session on a 2-core machine under Xvfb, WebKitGTK 2.50.6:
//
//   - JSC_useJIT=false: JavaScriptCore runs the app's script in its interpreter (LLInt)
//     instead of compiling it. The tree's distinct resident pages drop from 285 to 275 MB
//     at idle (summed RSS 443 → 431 MB) and from 345 to 332 MB after the 1 MB answer
//     (summed RSS 504 → 489 MB; 519 → 504 MB 13 s later): no JIT code, no compiler
//     buffers, no profiling data in the web process. It cost nothing measurable: web
//     process CPU time for the whole 1 MB answer 5.1 s with the JIT, 5.0 s without; the
//     chat's script is DOM work, not hot loops. A user can still turn the JIT back on
//     with JSC_useJIT=true in the environment.
//
// Tried and left out, because they saved nothing measurable in the same runs: the default
// web context's cache model WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER (which also drops the page
// cache; the app is one page that never navigates, so there was nothing in either cache),
// MALLOC_ARENA_MAX=2, GOGC=50, GDK_GL=disable. Memory pressure settings cannot be given
// to the default context, which Wails v2 uses; they are a construct-only property.
func tuneWebKit() {
	// The web process inherits this environment when WebKit spawns it, after wails.Run.
	if _, set := os.LookupEnv("JSC_useJIT"); !set {
		_ = os.Setenv("JSC_useJIT", "false")
	}
}
