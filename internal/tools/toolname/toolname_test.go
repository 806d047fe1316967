package toolname

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	long := strings.Repeat("x", 80)
	cases := []struct {
		server, tool string
		want         string // "" when only the shape is checked
	}{
		{"filesystem", "read_file", "filesystem__read_file"},
		{"brave-search", "brave_web_search", "brave-search__brave_web_search"},
		{"My Server", "search", ""},
		{"github", "search.repos", ""},
		{"服务器", "搜索", ""},
		{"a", long, ""},
		{long, "t", ""},
		{"_a", "b", ""},
		{"a__b", "c", ""},
	}
	for _, c := range cases {
		got := For(c.server, c.tool)
		if !Valid(got) {
			t.Errorf("For(%q, %q) = %q, not valid for the API", c.server, c.tool, got)
		}
		if c.want != "" && got != c.want {
			t.Errorf("For(%q, %q) = %q, want %q", c.server, c.tool, got, c.want)
		}
		if For(c.server, c.tool) != got {
			t.Errorf("For(%q, %q) is not stable", c.server, c.tool)
		}
	}
}

func TestTwoServersWithTheSameToolGetDistinctNames(t *testing.T) {
	pairs := [][2]string{
		{"web", "search"}, {"docs", "search"},
		{"a", "b__c"}, {"a__b", "c"}, // the separator inside a name
		{"my.server", "x"}, {"my_server", "x"}, {"my server", "x"}, // sanitized alike
		{"s", strings.Repeat("t", 70) + "1"}, {"s", strings.Repeat("t", 70) + "2"}, // shortened alike
	}
	seen := map[string][2]string{}
	for _, p := range pairs {
		n := For(p[0], p[1])
		if other, dup := seen[n]; dup {
			t.Fatalf("%v and %v both named %q", other, p, n)
		}
		seen[n] = p
	}
}

// The names are what stored tool calls refer to: changing the scheme breaks old
// conversations. These are fixed on purpose.
func TestNamesDoNotChangeBetweenVersions(t *testing.T) {
	for _, c := range []struct{ server, tool, want string }{
		{"My Server", "search", "My_Server__search_0c3c6fcf18"},
		{"服务器", "搜索", "___02dec7dd2b"},
		{"filesystem", "read_text_file", "filesystem__read_text_file"},
	} {
		if got := For(c.server, c.tool); got != c.want {
			t.Fatalf("For(%q, %q) = %q, want %q", c.server, c.tool, got, c.want)
		}
	}
}

func FuzzNames(f *testing.F) {
	f.Add("web", "search", "docs", "search")
	f.Add("a", "b__c", "a__b", "c")
	f.Add("x.y", "t", "x_y", "t")
	f.Add(strings.Repeat("s", 70), "t", strings.Repeat("s", 71), "t")
	f.Fuzz(func(t *testing.T, s1, t1, s2, t2 string) {
		n1, n2 := For(s1, t1), For(s2, t2)
		if !Valid(n1) || !Valid(n2) {
			t.Fatalf("invalid name: %q %q", n1, n2)
		}
		if n1 != For(s1, t1) {
			t.Fatal("not deterministic")
		}
		if (s1 != s2 || t1 != t2) && n1 == n2 {
			t.Fatalf("(%q,%q) and (%q,%q) both named %q", s1, t1, s2, t2, n1)
		}
	})
}
