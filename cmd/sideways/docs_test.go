package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink is a Markdown link or image: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsLinks is the docs' link check: every relative link in the README,
// CONTRIBUTING.md and docs/ names a file of this repository (never a path
// outside it, which a user's clone would not have), and every #anchor names a
// heading of the page it points into.
func TestDocsLinks(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"README.md", "CONTRIBUTING.md"}
	more, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	for _, m := range more {
		rel, _ := filepath.Rel(root, m)
		pages = append(pages, rel)
	}
	checked := 0
	for _, page := range pages {
		body, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), "../shared") && page == "README.md" {
			t.Errorf("%s mentions ../shared, which a user's clone does not have", page)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(body), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			file, anchor, _ := strings.Cut(target, "#")
			path := filepath.Join(root, page)
			if file != "" {
				path = filepath.Clean(filepath.Join(filepath.Dir(path), file))
				if rel, err := filepath.Rel(root, path); err != nil || strings.HasPrefix(rel, "..") {
					t.Errorf("%s links to %s, outside the repository", page, target)
					continue
				}
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s links to %s, which does not exist", page, target)
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(path, ".md") && !hasAnchor(t, path, anchor) {
				t.Errorf("%s links to %s: no such heading", page, target)
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no relative link to check")
	}
}

// hasAnchor reports whether the Markdown file at path has a heading whose
// GitHub-style anchor is anchor.
func hasAnchor(t *testing.T, path, anchor string) bool {
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(h) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
				b.WriteRune(r)
			}
		}
		if b.String() == anchor {
			return true
		}
	}
	return false
}
