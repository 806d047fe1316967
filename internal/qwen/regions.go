package qwen

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Region is one DashScope deployment. API keys are bound to a region, so the UI lets the user
// pick one instead of typing a host.
type Region struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	BaseURL string `json:"baseURL"`
}

// DefaultRegion is the region used when nothing is configured: DashScope's own default.
const DefaultRegion = "beijing"

// Regions returns the OpenAI-compatible endpoints of the public DashScope regions, default
// first. A fresh slice is returned so callers may modify it.
func Regions() []Region {
	return []Region{
		{ID: "beijing", Name: "China (Beijing)", BaseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1"},
		{ID: "singapore", Name: "Singapore (International)", BaseURL: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"},
		{ID: "us", Name: "US (Virginia)", BaseURL: "https://dashscope-us.aliyuncs.com/compatible-mode/v1"},
		{ID: "hongkong", Name: "China (Hong Kong)", BaseURL: "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1"},
	}
}

// RegionBaseURL returns the base URL of the region with the given id; false when the id is
// unknown (settings written by a newer or older version).
func RegionBaseURL(id string) (string, bool) {
	for _, r := range Regions() {
		if r.ID == id {
			return r.BaseURL, true
		}
	}
	return "", false
}

// ValidateBaseURL checks a custom base URL typed by a user (a workspace host, a proxy, a local
// fake) and returns it normalized: surrounding space and trailing slashes trimmed, and a pasted
// "/chat/completions" suffix removed because the client appends that path itself. The error
// text is meant to be shown to the user as is.
func ValidateBaseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("the base URL is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("the base URL %q is not a valid URL", s)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return "", fmt.Errorf("the base URL %q must start with https:// (or http://)", s)
	default:
		return "", fmt.Errorf("the base URL must use https:// or http://, not %s://", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("the base URL %q has no host name", s)
	}
	if u.User != nil {
		// Credentials in a URL end up in logs and history; the key goes in its own field.
		return "", errors.New("the base URL must not contain a user name or password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("the base URL must not contain a query (?…) or fragment (#…)")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimRight(u.Path, "/")
	u.Path = strings.TrimSuffix(u.Path, "/chat/completions")
	u.RawPath = ""
	return strings.TrimRight(u.String(), "/"), nil
}
