package qwen

import (
	"strings"
	"testing"
)

func TestRegions(t *testing.T) {
	want := map[string]string{
		"beijing":   "https://dashscope.aliyuncs.com/compatible-mode/v1",
		"singapore": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
		"us":        "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
		"hongkong":  "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1",
	}
	rs := Regions()
	if len(rs) != len(want) || rs[0].ID != DefaultRegion {
		t.Fatalf("Regions() = %v", rs)
	}
	for _, r := range rs {
		if r.Name == "" || want[r.ID] != r.BaseURL {
			t.Errorf("region %+v", r)
		}
		if u, ok := RegionBaseURL(r.ID); !ok || u != r.BaseURL {
			t.Errorf("RegionBaseURL(%q) = %q, %v", r.ID, u, ok)
		}
	}
	if _, ok := RegionBaseURL("mars"); ok {
		t.Error("unknown region accepted")
	}
}

func TestValidateBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
		errHas   string
	}{
		{in: "https://dashscope.aliyuncs.com/compatible-mode/v1/", want: "https://dashscope.aliyuncs.com/compatible-mode/v1"},
		{in: "  http://127.0.0.1:8787/compatible-mode/v1  ", want: "http://127.0.0.1:8787/compatible-mode/v1"},
		{in: "HTTPS://ws-1.cn-beijing.maas.aliyuncs.com/compatible-mode/v1//", want: "https://ws-1.cn-beijing.maas.aliyuncs.com/compatible-mode/v1"},
		{in: "https://proxy.example.com/compatible-mode/v1/chat/completions", want: "https://proxy.example.com/compatible-mode/v1"},
		{in: "https://proxy.example.com", want: "https://proxy.example.com"},
		{in: "", errHas: "empty"},
		{in: "dashscope.aliyuncs.com/compatible-mode/v1", errHas: "must start with https://"},
		{in: "ftp://example.com/v1", errHas: "https:// or http://"},
		{in: "https:///v1", errHas: "no host"},
		{in: "https://user:pw@example.com/v1", errHas: "user name or password"},
		{in: "https://example.com/v1?key=1", errHas: "query"},
		{in: "https://exa mple.com", errHas: "not a valid URL"},
	}
	for _, tt := range tests {
		got, err := ValidateBaseURL(tt.in)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("ValidateBaseURL(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.errHas)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ValidateBaseURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
