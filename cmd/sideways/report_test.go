package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/cmd/sideways/demo"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules"
	"github.com/sidewayscal/sideways/rules/rulestest"
)

const reportGolden = "testdata/report_demo.golden.html"

// writeDemoReport runs `sideways demo --report FILE` in-process under the
// demo's fixed clock and returns the page's path.
func writeDemoReport(t *testing.T) string {
	t.Helper()
	t.Setenv("SIDEWAYS_NOW", demo.Now)
	path := filepath.Join(t.TempDir(), "sub", "demo.html")
	var stdout, stderr bytes.Buffer
	if code := execute(t.Context(), []string{"demo", "--report", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("sideways demo --report: exit %d: %s", code, stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != path {
		t.Errorf("printed %q, want the page's path %q", got, path)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	return path
}

// TestReportDemoGolden pins the demo's page byte for byte (regenerate with
// go test ./cmd/sideways -run TestReportDemoGolden -update), then reads it
// as XML: every roster peer has a row with one timeline, every mark has a
// text alternative, and nothing points outside the page.
func TestReportDemoGolden(t *testing.T) {
	path := writeDemoReport(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("page mode %v, want 0600", m)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(reportGolden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(reportGolden)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if diff := gocmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("page differs from %s (-want +got; -update rewrites it):\n%s", reportGolden, diff)
	}

	cfg, err := config.Parse("demo/sideways.yaml", demo.Config)
	if err != nil {
		t.Fatal(err)
	}
	page := readPage(t, got)
	var emails []string
	for _, p := range cfg.Peers {
		emails = append(emails, p.Email)
		row, ok := page.rows[p.Email]
		if !ok {
			t.Errorf("no row for %s", p.Email)
			continue
		}
		if row.timelines != 1 {
			t.Errorf("%s: %d timelines, want 1", p.Email, row.timelines)
		}
		if !strings.Contains(row.text, p.Name) || !strings.Contains(row.text, p.Department) {
			t.Errorf("%s: row does not name %q of %q: %q", p.Email, p.Name, p.Department, row.text)
		}
	}
	if diff := gocmp.Diff(emails, page.order); diff != "" {
		t.Errorf("rows (-roster order +page):\n%s", diff)
	}
	for _, p := range page.problems {
		t.Error(p)
	}
	if page.marks < 100 {
		t.Errorf("only %d marks on the page", page.marks)
	}
	for _, want := range []string{"Roster review", "Hannah Okafor is a forever peer", "Ethan Park a right-now peer ended on 2026-10-31",
		"3 of 3", "Owns the FY27 budget", "met in 4 of 5 months"} {
		if !strings.Contains(page.text, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
}

type pageRow struct {
	timelines int
	text      string
}

type pageFacts struct {
	rows     map[string]*pageRow
	order    []string
	marks    int
	text     string
	problems []string
}

var (
	remoteURL = regexp.MustCompile(`(?i)^\s*(https?:|//|ftp:|data:|javascript:)`)
	markClass = map[string]bool{"h": true, "x": true, "s": true, "q": true, "i": true, "d": true, "o": true, "z": true, "u": true, "nd": true}
)

// readPage parses the page as XML (the template writes XHTML-compatible
// markup) and collects what the tests check.
func readPage(t *testing.T, b []byte) *pageFacts {
	t.Helper()
	f := &pageFacts{rows: map[string]*pageRow{}}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	type open struct {
		name, class string
		titled      bool
	}
	var stack []open
	var row *pageRow
	var text strings.Builder
	inTimeline := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			var class, id string
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "class":
					class = a.Value
				case "id":
					id = a.Value
				case "src", "href", "action", "poster", "srcset", "data", "background":
					if remoteURL.MatchString(a.Value) || a.Name.Local == "src" {
						f.problems = append(f.problems, "external reference: "+name+" "+a.Name.Local+"="+a.Value)
					}
				}
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					f.problems = append(f.problems, "event handler attribute: "+a.Name.Local)
				}
			}
			switch name {
			case "script", "link", "img", "iframe", "object", "embed", "image", "use", "base", "foreignObject":
				f.problems = append(f.problems, "element <"+name+"> on a self-contained page")
			case "tr":
				if strings.Contains(class, "peer") {
					row = &pageRow{}
					f.rows[id] = row
					f.order = append(f.order, id)
				}
			case "svg":
				if class == "tl" && row != nil {
					row.timelines++
				}
				if class == "tl" {
					inTimeline++
				}
			case "title":
				if len(stack) > 0 {
					stack[len(stack)-1].titled = true
				}
			}
			stack = append(stack, open{name: name, class: class})
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if inTimeline > 0 && markClass[top.class] {
				f.marks++
				if !top.titled {
					f.problems = append(f.problems, "a <"+top.name+` class="`+top.class+`"> mark has no <title>`)
				}
			}
			switch top.name {
			case "tr":
				row = nil
			case "svg":
				if top.class == "tl" {
					inTimeline--
				}
			}
		case xml.CharData:
			s := string(tok)
			if len(stack) > 0 && stack[len(stack)-1].name == "style" {
				low := strings.ToLower(s)
				if strings.Contains(low, "@import") || strings.Contains(low, "url(") || strings.Contains(low, "@font-face") {
					f.problems = append(f.problems, "the style sheet loads something: "+s)
				}
				continue
			}
			text.WriteString(s)
			if row != nil {
				row.text += s
			}
		}
	}
	f.text = strings.Join(strings.Fields(text.String()), " ")
	return f
}

// TestReadPageCatchesExternalReferences shows the checks are not vacuous.
func TestReadPageCatchesExternalReferences(t *testing.T) {
	for _, page := range []string{
		`<html><body><img src="x.png"/></body></html>`,
		`<html><body><a href="https://example.com/">x</a></body></html>`,
		`<html><head><style>@import "https://example.com/a.css";</style></head></html>`,
		`<html><head><style>body{background:url(//example.com/a.png)}</style></head></html>`,
		`<html><body><svg class="tl"><circle class="h" cx="1" cy="1" r="1"/></svg></body></html>`,
	} {
		if f := readPage(t, []byte(page)); len(f.problems) == 0 {
			t.Errorf("no problem found in %s", page)
		}
	}
}

// chromium finds a headless Chromium, or skips (fails on CI) when there is none.
func chromium(t *testing.T) (string, []string) {
	t.Helper()
	for _, c := range []struct {
		bin   string
		extra []string
	}{
		{"chromium-headless-shell", nil},
		{"/usr/lib/chromium/headless_shell", nil},
		{"chromium", []string{"--headless"}},
		{"chromium-browser", []string{"--headless"}},
	} {
		if p, err := exec.LookPath(c.bin); err == nil {
			return p, c.extra
		}
	}
	msg := "no headless Chromium found (Debian: apt-get install chromium-headless-shell)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI must run the browser test")
	}
	t.Skip(msg)
	return "", nil
}

// pageTrouble matches what Chromium logs when a page misbehaves: console
// errors, uncaught exceptions, loads that failed or were refused.
var pageTrouble = regexp.MustCompile(`(?i)console|uncaught|failed to load|net::err_|refused to|not allowed to load|mixed content|blocked`)

// TestReportInBrowser loads the demo's page in headless Chromium, takes a
// screenshot, and checks that it is a real picture and that Chromium had
// nothing to say about the page. UPDATE_SCREENSHOT=1 writes it to
// docs/report.png (the README's picture).
func TestReportInBrowser(t *testing.T) {
	bin, extra := chromium(t)
	page := writeDemoReport(t)
	shot := filepath.Join(t.TempDir(), "report.png")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	args := append(extra, "--screenshot="+shot, "--window-size=1200,2000", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"file://"+filepath.ToSlash(page))
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if pageTrouble.MatchString(line) {
			t.Errorf("Chromium: %s", line)
		}
	}
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(1200, 2000) {
		t.Errorf("screenshot is %v, want 1200x2000", got)
	}
	if len(b) < 20_000 {
		t.Errorf("screenshot is only %d bytes", len(b))
	}
	colours, ink := paint(img)
	// Text, the marks in the Okabe–Ito colours and antialiasing give many
	// colours; a blank or unstyled page gives a handful.
	if colours < 200 || ink < 0.03 {
		t.Errorf("screenshot looks blank: %d distinct colours, %.1f%% of pixels not background", colours, 100*ink)
	}
	for name, c := range map[string][3]uint32{"held (blue)": {0x00, 0x72, 0xb2}, "gap (orange)": {0xe6, 0x9f, 0x00}, "cancelled (vermillion)": {0xd5, 0x5e, 0x00}} {
		if !hasColour(img, c) {
			t.Errorf("no %s pixel in the screenshot: the marks were not drawn", name)
		}
	}
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		var out bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, paletted(img)); err != nil {
			t.Fatal(err)
		}
		if out.Len() > 300_000 {
			t.Fatalf("docs/report.png would be %d bytes, over 300 KB", out.Len())
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "report.png"), out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// paletted maps an image onto its 256 most frequent colours, which keeps a
// screenshot of text and flat marks small without visible loss.
func paletted(img image.Image) *image.Paletted {
	count := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	cs := make([]color.RGBA, 0, len(count))
	for c := range count {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b color.RGBA) int {
		return cmp.Or(count[b]-count[a], int(a.R)-int(b.R), int(a.G)-int(b.G), int(a.B)-int(b.B))
	})
	var pal color.Palette
	for _, c := range cs[:min(len(cs), 256)] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	index := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}

// paint counts an image's distinct colours and the share of pixels that
// differ from the top-left one (the background).
func paint(img image.Image) (int, float64) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r != r0 || g != g0 || bl != b0 {
				ink++
			}
		}
	}
	return len(seen), float64(ink) / float64(b.Dx()*b.Dy())
}

// hasColour reports whether some pixel is within a small distance of c.
func hasColour(img image.Image, c [3]uint32) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, c[0]) && near(g>>8, c[1]) && near(bl>>8, c[2]) {
				return true
			}
		}
	}
	return false
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }

// benchReport builds the report input for nPeers peers and nEvents events
// (the world BenchmarkPlan uses).
func benchReport(tb testing.TB, nPeers, nEvents int) (*rules.Engine, *rules.Input) {
	tb.Helper()
	yaml, events := rulestest.World(nPeers, nEvents)
	cfg, err := config.Parse("bench.yaml", yaml)
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := rules.Compile(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return eng, &rules.Input{Now: rulestest.Now, Events: events}
}

// BenchmarkReport measures the whole page for 200 peers and 50,000 events:
// plan, report figures and rendering (bytes/page is the page's size).
func BenchmarkReport(b *testing.B) {
	eng, in := benchReport(b, 200, 50_000)
	var size int
	b.ReportAllocs()
	for b.Loop() {
		p, err := eng.Plan(in)
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := renderReport(&out, eng.Config(), eng.Report(in, p, nil)); err != nil {
			b.Fatal(err)
		}
		size = out.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// TestBigReportIsSmall checks the size budget of the page for 200 peers and
// 50,000 events (2 MB) and that it stays well-formed and complete.
func TestBigReportIsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50,000-event world")
	}
	eng, in := benchReport(t, 200, 50_000)
	p, err := eng.Plan(in)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := renderReport(&out, eng.Config(), eng.Report(in, p, nil)); err != nil {
		t.Fatal(err)
	}
	if out.Len() > 2<<20 {
		t.Errorf("the page is %d bytes, over 2 MB", out.Len())
	}
	page := readPage(t, out.Bytes())
	if len(page.rows) != 200 {
		t.Errorf("%d rows, want 200", len(page.rows))
	}
	for _, p := range page.problems {
		t.Error(p)
	}
	t.Logf("%d bytes, %d marks", out.Len(), page.marks)
}
