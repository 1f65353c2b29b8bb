package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestExpandHome(t *testing.T) {
	home := func() (string, error) { return "/home/alex", nil }
	for _, tc := range []struct{ in, want, err string }{
		{in: "~", want: "/home/alex"},
		{in: "~/cal/work.ics", want: "/home/alex/cal/work.ics"},
		{in: "$HOME/cal/work.ics", want: "/home/alex/cal/work.ics"},
		{in: "${HOME}/cal/work.ics", want: "/home/alex/cal/work.ics"},
		{in: "cal/work.ics", want: "cal/work.ics"},
		{in: "/srv/cal/work.ics", want: "/srv/cal/work.ics"},
		{in: "~bob/cal.ics", err: "not ~user"},
		{in: "$HOMEWORK/cal.ics", err: "$HOMEWORK is not expanded"},
		{in: "$XDG_DATA_HOME/cal.ics", err: "$XDG_DATA_HOME is not expanded"},
		{in: "/srv/$HOME/cal.ics", err: "$HOME is not expanded"},
		{in: "~~/cal.ics", err: "not ~user"},
	} {
		got, err := expandHome(tc.in, home)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("expandHome(%q) = %q, %v; want an error containing %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != filepath.FromSlash(tc.want)):
			t.Errorf("expandHome(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := expandHome("~/x.ics", func() (string, error) { return "", errors.New("$HOME is not defined") }); err == nil || !strings.Contains(err.Error(), "write the full path") {
		t.Errorf("without a home folder: %v, want a hint to write the full path", err)
	}
}

// TestParseExpandsHome: ics, client_secret and token paths starting with ~ or
// $HOME name files in the home folder, and a refused path is reported at its
// value.
func TestParseExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	src := `me:
  name: Alex Rivera
  emails: [alex@acme.test]
calendars:
  - name: work
    google:
      client_secret: ~/secrets/client.json
      token: $HOME/secrets/token.json
    writable: true
  - name: offsites
    ics: ~/cal/offsites.ics
`
	cfg, err := Parse(filepath.Join(t.TempDir(), "sideways.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := cfg.Calendars[0].Google
	if g.ClientSecret != filepath.Join(home, "secrets/client.json") || g.Token != filepath.Join(home, "secrets/token.json") {
		t.Errorf("google paths = %q, %q; want them under %s", g.ClientSecret, g.Token, home)
	}
	if g.ClientSecretPos.Line != 7 || g.TokenPos.Line != 8 {
		t.Errorf("google path positions = %v, %v; want lines 7 and 8", g.ClientSecretPos, g.TokenPos)
	}
	if c := cfg.Calendars[1]; c.ICS != filepath.Join(home, "cal/offsites.ics") || c.ICSPos.Line != 11 || c.ICSPos.Col != 10 {
		t.Errorf("ics = %q at %v; want %s at line 11 col 10", c.ICS, c.ICSPos, filepath.Join(home, "cal/offsites.ics"))
	}
	_, err = Parse("sideways.yaml", []byte(strings.Replace(src, "~/cal", "~alex/cal", 1)))
	if err == nil || !strings.Contains(err.Error(), "sideways.yaml:11:10: path \"~alex/cal/offsites.ics\": only ~ and $HOME are expanded") {
		t.Errorf("~user path: %v, want a refusal at 11:10", err)
	}
}
