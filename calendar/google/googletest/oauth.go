package googletest

// The OAuth endpoints: the consent page (authorize) and the token endpoint.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// authorize plays a consenting user: it checks the request and redirects to
// redirect_uri with a fresh code and the state it was given.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, _ *Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "Error 401: invalid_client", http.StatusUnauthorized)
		return
	case err != nil || redirect.Scheme != "http" || (redirect.Hostname() != "127.0.0.1" && redirect.Hostname() != "localhost" && redirect.Hostname() != "::1"):
		http.Error(w, "Error 400: redirect_uri_mismatch", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "Error 400: unsupported_response_type", http.StatusBadRequest)
		return
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		http.Error(w, "Error 400: invalid_request (code_challenge_method)", http.StatusBadRequest)
		return
	}
	code := "4/fake-code-" + randID(16)
	s.mu.Lock()
	granted := s.grantedLocked(strings.Fields(q.Get("scope")))
	s.secrets = append(s.secrets, code)
	s.codes[code] = authCode{clientID: s.ClientID, redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		method: q.Get("code_challenge_method"), scopes: granted, offline: q.Get("access_type") == "offline"}
	s.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	back.Set("scope", strings.Join(granted, " "))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// token is the token endpoint: authorization_code (with the PKCE verifier
// checked against the challenge) and refresh_token grants. Client credentials
// are accepted in HTTP Basic or in the form.
func (s *Server) token(w http.ResponseWriter, r *http.Request, rec *Request) {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = rec.Form.Get("client_id"), rec.Form.Get("client_secret")
	}
	if id != s.ClientID || secret != s.ClientSecret {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var scopes []string
	offline := true
	switch rec.Form.Get("grant_type") {
	case "authorization_code":
		code, ok := s.codes[rec.Form.Get("code")]
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Malformed auth code.")
			return
		}
		delete(s.codes, rec.Form.Get("code"))
		if code.redirect != rec.Form.Get("redirect_uri") {
			tokenError(w, http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request")
			return
		}
		if code.challenge != "" {
			v := rec.Form.Get("code_verifier")
			if v == "" {
				tokenError(w, http.StatusBadRequest, "invalid_grant", "Missing code verifier.")
				return
			}
			if oauth2.S256ChallengeFromVerifier(v) != code.challenge {
				tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid code verifier.")
				return
			}
		}
		scopes, offline = code.scopes, code.offline
	case "refresh_token":
		sc, ok := s.refresh[rec.Form.Get("refresh_token")]
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		scopes, offline = sc, false
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type.")
		return
	}
	tok := s.issueLocked(scopes, offline)
	resp := map[string]any{"access_token": tok.AccessToken, "expires_in": 3599, "token_type": "Bearer",
		"scope": strings.Join(scopes, " ")}
	if tok.RefreshToken != "" {
		resp["refresh_token"] = tok.RefreshToken
	}
	writeJSON(w, http.StatusOK, resp)
}

// Consent follows authURL as a consenting user would, but lets edit change the
// redirect back to the app first (to tamper with the state, say). It returns
// the app's answer status.
func Consent(ctx context.Context, authURL string, edit func(*url.URL)) (int, error) {
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return resp.StatusCode, fmt.Errorf("authorization page did not redirect: %s", resp.Status)
	}
	if edit != nil {
		edit(loc)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return 0, err
	}
	resp, err = c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
