package config

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTabIndents(t *testing.T) {
	const msg = "YAML does not allow tabs for indentation; use spaces"
	tests := []struct {
		name, src string
		want      []string
	}{
		{"tab as the whole indent", "me:\n\tname: Alex\n",
			[]string{"sideways.yaml:2:1: " + msg}},
		// yaml blames line 2, the line before the tab.
		{"tab on the line after a good one", "me:\n  name: Alex\n\temails: [a@b.c]\n",
			[]string{"sideways.yaml:3:1: " + msg}},
		{"tab after spaces", "me:\n  name: Alex\n  \temails: [a@b.c]\n",
			[]string{"sideways.yaml:3:3: " + msg}},
		{"in a list item, and a comment", "peers:\n  - name: Dana\n\t  email: d@x\n  \t# later\n",
			[]string{"sideways.yaml:3:1: " + msg, "sideways.yaml:4:3: " + msg}},
		{"CRLF line ends", "me:\r\n  name: Alex\r\n\temails: [a@b.c]\r\n",
			[]string{"sideways.yaml:3:1: " + msg}},
		{"a blank line of tabs is no problem", "me:\n  name: a: b\n\t\t\n",
			[]string{`sideways.yaml:2:1: yaml: mapping values are not allowed in this context`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("sideways.yaml", []byte(tt.src))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %v, want config errors", err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// A tab yaml accepts, inside a value, is not reported.
func TestParseTabInValue(t *testing.T) {
	_, err := Parse("sideways.yaml", []byte("me:\n  name:\tAlex\n"))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v, want config errors", err)
	}
	for _, e := range es {
		if e.Msg == "YAML does not allow tabs for indentation; use spaces" {
			t.Errorf("reported a tab yaml accepts: %v", e)
		}
	}
}
