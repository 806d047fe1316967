//go:build e2ecsp && !dev

package main

// contentSecurityPolicy, in the test build scripts/e2e-variants.sh makes with -tags e2ecsp
// (never make build or make dist), lets every script, handler and remote load through, so
// the end-to-end test of the sanitizer alone sees whatever it lets pass actually run.
func contentSecurityPolicy() string {
	return "default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; script-src * 'unsafe-inline' 'unsafe-eval'; " +
		"img-src * data:; connect-src *; frame-src *; form-action *"
}
