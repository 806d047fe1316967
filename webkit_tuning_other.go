//go:build !linux

package main

// tuneWebKit only has work to do on Linux, where the webview is WebKitGTK.
func tuneWebKit() {}
