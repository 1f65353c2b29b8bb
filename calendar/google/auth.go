package google

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	oauthgoogle "golang.org/x/oauth2/google"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// Scopes returns the least-privilege OAuth scopes for a mode: report mode
// (write false) reads events and free/busy; propose and invite (write true)
// also write events. Calendar list and settings are never read, so their
// scopes are never asked for.
func Scopes(write bool) []string {
	if write {
		return []string{calendarv3.CalendarEventsScope, calendarv3.CalendarFreebusyScope}
	}
	return []string{calendarv3.CalendarEventsReadonlyScope, calendarv3.CalendarFreebusyScope}
}

// OAuthConfig is an OAuth client read from a client-secret file. It redacts
// the client secret in logs.
type OAuthConfig struct {
	*oauth2.Config
}

// LogValue logs the client id and endpoints, never the secret.
func (c OAuthConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", c.ClientID), slog.String("token_url", c.Endpoint.TokenURL))
}

// ReadClientSecret reads an OAuth client-secret file as the Cloud console
// writes it (a "installed" or "web" client) for scopes. Its token_uri is used
// for every exchange and refresh, so a test or proxy endpoint is honoured.
// The file's redirect URI is replaced by the loopback listener's in Authorize.
func ReadClientSecret(path string, scopes ...string) (OAuthConfig, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return OAuthConfig{}, fmt.Errorf("client secret %s: %w", path, ErrNoClientSecret)
	}
	if err != nil {
		return OAuthConfig{}, fmt.Errorf("client secret: %w", err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return OAuthConfig{}, fmt.Errorf("client secret %s: not a client-secret JSON file: %w", path, err)
	}
	// ConfigFromJSON insists on redirect_uris, which sideways replaces anyway.
	for _, kind := range []string{"installed", "web"} {
		if c := raw[kind]; c != nil && c["redirect_uris"] == nil {
			c["redirect_uris"] = []string{"http://127.0.0.1"}
		}
	}
	b, _ = json.Marshal(raw)
	conf, err := oauthgoogle.ConfigFromJSON(b, scopes...)
	if err != nil {
		return OAuthConfig{}, fmt.Errorf("client secret %s: %w", path, err)
	}
	if conf.ClientID == "" || conf.Endpoint.TokenURL == "" || conf.Endpoint.AuthURL == "" {
		return OAuthConfig{}, fmt.Errorf("client secret %s: client_id, auth_uri or token_uri missing", path)
	}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	return OAuthConfig{conf}, nil
}

// AuthOptions tune Authorize.
type AuthOptions struct {
	// Open opens url in the user's browser; nil, or an error, leaves the user
	// to open the printed URL. It runs on its own goroutine and should return
	// promptly; Authorize does not wait for it. Tests pass a function that
	// follows the URL like a browser (googletest.Consent).
	Open func(url string) error
	// Out receives the URL to open and progress messages (nil: discarded).
	Out io.Writer
	// Pasted (may be nil) carries lines the user typed: the address the
	// browser was sent back to, pasted by a user whose browser runs on
	// another machine and so cannot reach the loopback listener. A pasted
	// address is checked exactly as a redirect to the listener is; whichever
	// comes first completes the sign-in. The caller owns the reading (one
	// reader of stdin for every sign-in of a command) and closes the channel
	// at the input's end.
	Pasted <-chan string
}

// ErrAccessDenied is Google's answer when the user, or Google for them,
// refused consent ("access_denied").
var ErrAccessDenied = errors.New(`google answered "access_denied"`)

// ErrNoClientSecret means the client-secret file does not exist.
var ErrNoClientSecret = errors.New("the client secret file does not exist")

// ErrNoToken means there is no usable token file: the user has not signed in.
var ErrNoToken = errors.New("not signed in yet")

// maxPasteLines bounds the pasted lines one sign-in looks at.
const maxPasteLines = 100

// Authorize runs the OAuth flow for an installed app: it listens on a random
// port of 127.0.0.1, sends the user to Google's consent page (offline access,
// prompt=consent, PKCE S256, a random state), waits for the redirect back (or
// for its address on Pasted), checks the state, and exchanges the code
// (with the PKCE verifier) for a token, which must include a refresh token.
// Redirects with a wrong state are answered 400 and ignored; pasted addresses
// with a wrong state are refused with a message on Out. A refusal of consent
// wraps ErrAccessDenied. It returns when ctx ends.
func Authorize(ctx context.Context, conf OAuthConfig, opts AuthOptions) (*oauth2.Token, error) {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("auth: loopback listener: %w", err)
	}
	c := *conf.Config
	c.RedirectURL = fmt.Sprintf("http://%s/callback", ln.Addr())
	state, verifier := oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	authURL := c.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.ApprovalForce, oauth2.S256ChallengeOption(verifier))

	type result struct {
		tok *oauth2.Token
		err error
	}
	done := make(chan result, 1)
	var claimed atomic.Bool
	// complete finishes the sign-in from the query of the redirect back,
	// received or pasted, and returns the page for the browser. ok is false
	// when the query is not this sign-in's (its state differs): it is ignored.
	complete := func(q url.Values) (status int, msg string, ok bool) {
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			return http.StatusBadRequest, "", false
		}
		if !claimed.CompareAndSwap(false, true) {
			return http.StatusOK, "sideways has already received this sign-in. You can close this tab.", true
		}
		if e := q.Get("error"); e != "" {
			err := fmt.Errorf("auth: google answered %q", e)
			if e == "access_denied" {
				err = fmt.Errorf("auth: %w", ErrAccessDenied)
			}
			done <- result{err: err}
			return http.StatusForbidden, "Sign-in was not completed (" + e + "). You can close this tab.", true
		}
		tok, err := c.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			var re *oauth2.RetrieveError
			if errors.As(err, &re) {
				err = fmt.Errorf("token exchange refused (%s)", re.ErrorCode)
			}
			done <- result{err: fmt.Errorf("auth: %w", err)}
			return http.StatusBadGateway, "Sign-in failed. Return to sideways for details.", true
		}
		if tok.RefreshToken == "" {
			done <- result{err: errors.New("auth: google issued no refresh token; remove sideways' access at https://myaccount.google.com/permissions and try again")}
			return http.StatusBadGateway, "Sign-in failed. Return to sideways for details.", true
		}
		done <- result{tok: tok}
		return http.StatusOK, "sideways is signed in. You can close this tab and return to the terminal.", true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		status, msg, ok := complete(r.URL.Query())
		if !ok {
			http.Error(w, "sideways: this sign-in link is not the one sideways opened (state mismatch); start again with `sideways auth google`.", http.StatusBadRequest)
			return
		}
		page(w, status, msg)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		// Let the browser receive the final page before the listener goes.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()

	fmt.Fprintf(out, "Open this URL in your browser to let sideways use your calendar:\n\n  %s\n\n", authURL)
	fmt.Fprintf(out, "Waiting for Google to send your browser back to %s …\n", c.RedirectURL)
	pasted := opts.Pasted
	if pasted != nil {
		fmt.Fprintf(out, "If your browser is on another machine (over SSH, say), sign in there; it then fails\n"+
			"to load a page at 127.0.0.1. Copy that page's whole address from the address bar,\n"+
			"paste it here and press Enter.\n")
	}
	openErr := make(chan error, 1)
	if opts.Open != nil {
		go func() { openErr <- opts.Open(authURL) }()
	}
	lines := 0
	for {
		select {
		case err := <-openErr:
			if err != nil {
				fmt.Fprintf(out, "(could not open a browser: %v)\n", err)
			}
		case line, ok := <-pasted:
			if lines++; !ok || lines > maxPasteLines {
				pasted = nil // keep waiting for the listener
				continue
			}
			if msg := paste(line, c.RedirectURL, complete); msg != "" {
				fmt.Fprintln(out, msg)
			}
		case r := <-done:
			return r.tok, r.err
		case <-ctx.Done():
			return nil, fmt.Errorf("auth: %w", ctx.Err())
		}
	}
}

// paste takes one pasted line: the redirect's address goes to complete,
// which says whether it belongs to this sign-in. It returns why a line was not
// taken, or "".
func paste(line, redirect string, complete func(url.Values) (int, string, bool)) string {
	line = strings.TrimSpace(line)
	if line == "" {
		return ""
	}
	u, err := url.Parse(line)
	if err != nil || u.Query().Get("state") == "" || (u.Query().Get("code") == "" && u.Query().Get("error") == "") {
		return fmt.Sprintf("That is not the address Google sent your browser back to; paste the whole address, starting %s?", redirect)
	}
	if _, _, ok := complete(u.Query()); !ok {
		return "That address belongs to another sign-in (its state differs); paste the address this sign-in led to."
	}
	return ""
}

// Login runs Authorize with the client secret at clientSecretPath for scopes
// and saves the token at tokenPath (0600): what `sideways auth google` does.
// It checks which scopes the user granted: without events access the token
// is not saved and the error is a *MissingAccessError; with only free/busy
// missing it is saved and the *MissingAccessError (Saved set) says what will
// not work.
func Login(ctx context.Context, clientSecretPath, tokenPath string, scopes []string, opts AuthOptions) error {
	conf, err := ReadClientSecret(clientSecretPath, scopes...)
	if err != nil {
		return err
	}
	tok, err := Authorize(ctx, conf, opts)
	if err != nil {
		return err
	}
	grant := checkGrant(tok, scopes)
	if me, ok := IsMissingAccess(grant); ok && !me.Saved {
		return grant
	}
	if err := SaveToken(tokenPath, tok); err != nil {
		return err
	}
	return grant
}

// OpenBrowser asks the desktop to open url in the default browser (open on
// macOS, rundll32 on Windows, xdg-open elsewhere). It does not wait for the
// browser; an error means the user must open the printed URL.
func OpenBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

func page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><title>sideways</title><p>%s</p>\n", html.EscapeString(msg))
}

// SaveToken writes tok to path as JSON (the oauth2.Token shape Google's Go
// quickstart writes) with mode 0600, atomically: a temporary file in the same
// folder, synced, then renamed over path. A reader sees the old or the new
// token, never half of one.
func SaveToken(path string, tok *oauth2.Token) error {
	b, err := json.MarshalIndent(tok, "", "  ")
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	f, err := os.CreateTemp(dir, ".token-*.tmp")
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		return fmt.Errorf("save token: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("save token: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save token: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// LoadToken reads a token file written by SaveToken. It refuses a file other
// users can read or write (any group or other permission bit, outside
// Windows), since the refresh token in it grants access to the calendar.
func LoadToken(path string) (*oauth2.Token, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("token %s: %w", path, ErrNoToken)
		}
		return nil, fmt.Errorf("token: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("token %s is accessible by other users (mode %04o); refusing it: run `chmod 600 %s`", path, perm, path)
	}
	var tok oauth2.Token
	if err := json.NewDecoder(f).Decode(&tok); err != nil {
		return nil, fmt.Errorf("token %s: %w", path, err)
	}
	if tok.RefreshToken == "" && tok.AccessToken == "" {
		return nil, fmt.Errorf("token %s holds no token: %w", path, ErrNoToken)
	}
	return &tok, nil
}

// authErr is the error a refresh ends with when Google refuses the grant.
type authErr struct{ code string }

func (e *authErr) Error() string { return fmt.Sprintf("%v (%s)", calendar.ErrAuth, e.code) }
func (e *authErr) Unwrap() error { return calendar.ErrAuth }

// TokenSource is an oauth2.TokenSource that refreshes through the client
// secret's token_uri and writes every new token back to its file, so rotated
// refresh tokens survive a restart. It is safe for concurrent use. A refused
// grant (invalid_grant and the like) comes back as an error wrapping
// calendar.ErrAuth; network trouble as the transport's error.
type TokenSource struct {
	conf OAuthConfig
	path string
	ctx  context.Context
	log  *slog.Logger

	mu    sync.Mutex
	tok   *oauth2.Token
	stale bool
}

// NewTokenSource returns a TokenSource starting from tok and persisting to
// path. ctx carries the refresh requests and should outlive the daemon's
// cycles; log (may be nil) receives a line when a new token cannot be saved.
func NewTokenSource(ctx context.Context, conf OAuthConfig, path string, tok *oauth2.Token, log *slog.Logger) *TokenSource {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &TokenSource{conf: conf, path: path, ctx: ctx, log: log, tok: tok}
}

// LoadTokenSource reads the client secret and the token file (refusing one
// others can read) and returns a persisting TokenSource for scopes.
func LoadTokenSource(ctx context.Context, clientSecretPath, tokenPath string, log *slog.Logger, scopes ...string) (*TokenSource, error) {
	conf, err := ReadClientSecret(clientSecretPath, scopes...)
	if err != nil {
		return nil, err
	}
	tok, err := LoadToken(tokenPath)
	if err != nil {
		return nil, err
	}
	return NewTokenSource(ctx, conf, tokenPath, tok, log), nil
}

// Token returns a valid access token, refreshing (and saving) it when it has
// expired or was invalidated.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Valid() && !s.stale {
		return s.tok, nil
	}
	if s.tok.RefreshToken == "" {
		return nil, &authErr{code: "no refresh token"}
	}
	// A refresh is a request too: bounded like every other.
	ctx, cancel := context.WithTimeout(s.ctx, DefaultRequestTimeout)
	defer cancel()
	fresh, err := s.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: s.tok.RefreshToken}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			if re.Response != nil && re.Response.StatusCode >= 500 {
				return nil, fmt.Errorf("refresh token: google answered %d", re.Response.StatusCode)
			}
			code := re.ErrorCode
			if code == "" {
				code = fmt.Sprintf("status %d", re.Response.StatusCode)
			}
			return nil, &authErr{code: code}
		}
		return nil, fmt.Errorf("refresh token: %w", err)
	}
	if fresh.RefreshToken == "" {
		fresh.RefreshToken = s.tok.RefreshToken
	}
	s.tok, s.stale = fresh, false
	if err := SaveToken(s.path, fresh); err != nil {
		s.log.Warn("google: could not save the refreshed token", "path", s.path, "err", err)
	}
	return fresh, nil
}

var _ Invalidator = (*TokenSource)(nil)

// Invalidate makes the next Token call refresh, even if the current access
// token looks valid (Google answered 401 to it).
func (s *TokenSource) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stale = true
}

// LogValue logs the token file's path only.
func (s *TokenSource) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token_file", s.path))
}
