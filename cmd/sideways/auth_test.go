package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// authHeadless runs "auth google --no-browser" as on a machine the browser
// cannot reach: it reads each sign-in URL from stderr, consents at the fake
// Google, and pastes answer(redirect) on stdin. It returns the exit code,
// stdout and stderr.
func authHeadless(t *testing.T, w *gworld, answer func(redirect *url.URL) string) (int, string, string) {
	t.Helper()
	inR, inW := io.Pipe()
	errR, errW := io.Pipe()
	var out bytes.Buffer
	code := make(chan int, 1)
	go func() {
		defer errW.Close()
		defer inR.Close()
		code <- runIn(t, &globals{stdout: &out, stderr: errW}, inR, "auth", "google", "--no-browser")
	}()
	var stderr strings.Builder
	sc := bufio.NewScanner(errR)
	for sc.Scan() {
		line := sc.Text()
		stderr.WriteString(line + "\n")
		if u := strings.TrimSpace(line); strings.HasPrefix(u, w.srv.AuthURL()) {
			redirect, err := followToRedirect(t, u)
			if err != nil {
				t.Fatal(err)
			}
			go io.WriteString(inW, answer(redirect)+"\n")
		}
	}
	inW.Close()
	return <-code, out.String(), stderr.String()
}

// followToRedirect consents at authURL and returns where Google sends the
// browser back, without going there.
func followToRedirect(t *testing.T, authURL string) (*url.URL, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp.Location()
}

func TestAuthGoogleHeadless(t *testing.T) {
	w := newGWorld(t, "report")
	token := filepath.Join(w.dir, "token.json")
	if err := os.Remove(token); err != nil {
		t.Fatal(err)
	}

	// Refused consent: the likeliest cause is named.
	code, _, stderr := authHeadless(t, w, func(redirect *url.URL) string {
		return fmt.Sprintf("http://%s/callback?error=access_denied&state=%s", redirect.Host, url.QueryEscape(redirect.Query().Get("state")))
	})
	if code != exitError {
		t.Errorf("access_denied: exit %d, want %d", code, exitError)
	}
	for _, want := range []string{
		`sideways: error: calendar work: auth: google answered "access_denied"` + "\n",
		"sideways: hint: if you did not press Cancel, your OAuth app is probably in Testing and this Google account is not one of its test users: " +
			"add it in the Google Cloud console (Google Auth Platform > Audience > Test users), then run \"sideways auth google --calendar work\" again; " +
			"the README's \"Google Calendar\" section says more\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("access_denied: stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(token); !os.IsNotExist(err) {
		t.Errorf("access_denied wrote a token (stat: %v)", err)
	}

	// The address pasted back signs in.
	code, stdout, stderr := authHeadless(t, w, func(redirect *url.URL) string { return redirect.String() })
	if code != exitOK {
		t.Fatalf("paste: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"Waiting for Google to send your browser back to http://127.0.0.1:", "paste it here and press Enter"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "signed in: calendar work") {
		t.Errorf("stdout = %q, want signed in", stdout)
	}
	if _, err := os.Stat(token); err != nil {
		t.Errorf("no token after signing in: %v", err)
	}
}

// TestAuthGoogleHeadlessTwoTokens: one command signs in twice (two calendars
// with their own tokens) from the same stdin; the second paste reaches the
// second sign-in.
func TestAuthGoogleHeadlessTwoTokens(t *testing.T) {
	w := newGWorld(t, "report")
	cfg, err := os.ReadFile(filepath.Join(w.dir, "sideways.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	second := fmt.Sprintf(`  - name: team
    google:
      calendar: team@group.calendar.google.com
      endpoint: %s
      token: team-token.json
mode:`, w.srv.Endpoint())
	cfg = bytes.Replace(cfg, []byte("mode:"), []byte(second), 1)
	if err := os.WriteFile(filepath.Join(w.dir, "sideways.yaml"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(w.dir, "token.json"))
	code, stdout, stderr := authHeadless(t, w, func(redirect *url.URL) string { return redirect.String() })
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"signed in: calendar work", "signed in: calendar team"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"token.json", "team-token.json"} {
		if _, err := os.Stat(filepath.Join(w.dir, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
}
