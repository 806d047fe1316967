// Package docs extracts the text of attached files (PDF, Office, CSV, text) with its page, sheet and slide structure, within stated limits.
package docs
