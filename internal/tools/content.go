package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// render makes a tool's result into the text the model reads. Text blocks are joined; other
// blocks are described, never inlined (an image's bytes mean nothing to a text model);
// structuredContent stands in when there is no text. The text is untrusted: it is passed on
// as data and never interpreted here.
func render(r *mcp.CallToolResult) string {
	var parts []string
	hasText := false
	for _, c := range r.Content {
		switch c := c.(type) {
		case *mcp.TextContent:
			hasText = true
			parts = append(parts, c.Text)
		case *mcp.ImageContent:
			parts = append(parts, fmt.Sprintf("[image: %s, %s]", orUnknown(c.MIMEType), size(len(c.Data))))
		case *mcp.AudioContent:
			parts = append(parts, fmt.Sprintf("[audio: %s, %s]", orUnknown(c.MIMEType), size(len(c.Data))))
		case *mcp.ResourceLink:
			desc := c.URI
			if c.Name != "" {
				desc = c.Name + " (" + c.URI + ")"
			}
			if c.Description != "" {
				desc += ": " + c.Description
			}
			parts = append(parts, "[resource link: "+desc+"]")
		case *mcp.EmbeddedResource:
			parts = append(parts, describeResource(c.Resource))
		default:
			parts = append(parts, fmt.Sprintf("[content of type %T]", c))
		}
	}
	if !hasText && r.StructuredContent != nil {
		if b, err := json.Marshal(r.StructuredContent); err == nil {
			parts = append(parts, string(b))
		}
	}
	if len(parts) == 0 {
		return "(the tool returned nothing)"
	}
	return strings.Join(parts, "\n")
}

func describeResource(rc *mcp.ResourceContents) string {
	if rc == nil {
		return "[resource]"
	}
	if rc.Text != "" {
		return fmt.Sprintf("[resource %s]\n%s", rc.URI, rc.Text)
	}
	return fmt.Sprintf("[resource %s: %s, %s]", rc.URI, orUnknown(rc.MIMEType), size(len(rc.Blob)))
}

func orUnknown(mime string) string {
	if mime == "" {
		return "unknown type"
	}
	return mime
}

func size(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// truncate cuts s to at most max bytes at a character boundary, and says so in a note the
// model and the user both read.
func truncate(s string, max int) (string, bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s, false
	}
	note := fmt.Sprintf("\n[output cut: %s → %s]", size(len(s)), size(max))
	keep := max - len(note)
	if keep < 0 {
		keep = 0
	}
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + note, true
}
