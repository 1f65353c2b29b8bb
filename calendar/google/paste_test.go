package google_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// consentRedirect plays the consenting user in a browser on another machine:
// it follows authURL to the redirect back to sideways and returns that
// address without loading it (the loopback is out of the browser's reach).
func consentRedirect(ctx context.Context, authURL string) (*url.URL, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
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

// pasteAuthorize runs Authorize with the user pasting, line by line, what
// lines returns for the redirect address (the browser never reaches the
// loopback listener).
func pasteAuthorize(t *testing.T, lines func(redirect *url.URL) []string) (string, error) {
	t.Helper()
	srv := googletest.NewServer(t, owner)
	secretPath := filepath.Join(t.TempDir(), "client_secret.json")
	if err := os.WriteFile(secretPath, srv.ClientSecretJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	conf, err := google.ReadClientSecret(secretPath, google.Scopes(false)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var out syncBuffer
	pasted := make(chan string, 10)
	_, err = google.Authorize(ctx, conf, google.AuthOptions{
		Out:    &out,
		Pasted: pasted,
		Open: func(authURL string) error {
			redirect, err := consentRedirect(ctx, authURL)
			if err != nil {
				return err
			}
			for _, l := range lines(redirect) {
				pasted <- l
			}
			return nil
		},
	})
	return out.String(), err
}

// TestAuthorizePasted: on a machine the browser cannot reach, the user pastes
// the address Google sent the browser to. A line that is no such address and
// one from another sign-in are refused with a reason; the right one signs in.
func TestAuthorizePasted(t *testing.T) {
	out, err := pasteAuthorize(t, func(redirect *url.URL) []string {
		forged := *redirect
		q := forged.Query()
		q.Set("state", "forged")
		forged.RawQuery = q.Encode()
		return []string{"", "I clicked allow", forged.String(), "  " + redirect.String() + "  "}
	})
	if err != nil {
		t.Fatalf("Authorize() = %v\n%s", err, out)
	}
	for _, want := range []string{
		"Waiting for Google to send your browser back to http://127.0.0.1:",
		"paste it here and press Enter",
		"That is not the address Google sent your browser back to; paste the whole address, starting http://127.0.0.1:",
		"That address belongs to another sign-in (its state differs)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "That is not the address"); n != 1 {
		t.Errorf("refused %d lines as not an address, want 1 (blank lines are skipped):\n%s", n, out)
	}
}

// TestAuthorizeAccessDenied: a refusal of consent, pasted or received,
// is ErrAccessDenied, which the command explains.
func TestAuthorizeAccessDenied(t *testing.T) {
	out, err := pasteAuthorize(t, func(redirect *url.URL) []string {
		q := redirect.Query()
		denied := fmt.Sprintf("http://%s/callback?error=access_denied&state=%s", redirect.Host, url.QueryEscape(q.Get("state")))
		return []string{denied}
	})
	if !errors.Is(err, google.ErrAccessDenied) {
		t.Fatalf("Authorize() = %v, want ErrAccessDenied\n%s", err, out)
	}
}

func TestReadClientSecretMissing(t *testing.T) {
	_, err := google.ReadClientSecret(filepath.Join(t.TempDir(), "client_secret.json"))
	if !errors.Is(err, google.ErrNoClientSecret) {
		t.Errorf("ReadClientSecret(missing) = %v, want ErrNoClientSecret", err)
	}
}
