package googletest

// The HTTP plumbing every route shares: the request log and faults,
// authorization by scope, and Google-shaped JSON errors.

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/sidewayscal/sideways/calendar"
	calendarv3 "google.golang.org/api/calendar/v3"
)

// statusWriter records the status in the request's log entry before the
// client can see it.
type statusWriter struct {
	http.ResponseWriter
	s     *Server
	rec   *Request
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.s.logMu.Lock()
		w.rec.Status = code
		w.s.logMu.Unlock()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// handle registers h for pattern: every request is logged, may hit an injected
// fault, and (for API routes) must carry a valid bearer token with a scope the
// route accepts.
func (s *Server) handle(mux *http.ServeMux, pattern, route string, h func(w http.ResponseWriter, r *http.Request, rec *Request)) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		rec := &Request{Route: route, Method: r.Method, Path: r.URL.EscapedPath(),
			Calendar: r.PathValue("cal"), EventID: r.PathValue("id"), Query: r.URL.Query(), Body: body}
		if route == RouteToken {
			r.ParseForm()
			rec.Form = r.PostForm
		}
		s.mu.Lock()
		var fault *Fault
		if fs := s.faults[route]; len(fs) > 0 {
			fault = fs[0]
			s.faults[route] = fs[1:]
		}
		s.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, s: s, rec: rec}
		// The request is logged as it arrives and its status as it is sent
		// (0 for a dropped connection), so a client that has its answer, or
		// retried at once, never finds it missing.
		s.logMu.Lock()
		s.log = append(s.log, rec)
		s.logMu.Unlock()
		switch {
		case fault != nil && fault.Stall:
			select {
			case <-r.Context().Done():
			case <-s.stopped:
			}
			return
		case fault != nil && fault.Drop:
			drop(w)
			return
		case fault != nil && fault.DropAfter:
			h(httptest.NewRecorder(), r, rec)
			drop(w)
			return
		case fault != nil:
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			if fault.Body != "" {
				w.Header().Set("Content-Type", "text/html")
				sw.WriteHeader(fault.Status)
				io.WriteString(sw, fault.Body)
				return
			}
			domain := "global"
			if r := strings.ToLower(fault.Reason); strings.Contains(r, "ratelimit") || strings.Contains(r, "quota") {
				domain = "usageLimits"
			}
			reason := fault.Reason
			if reason == "" {
				reason = "backendError"
			}
			writeError(sw, fault.Status, domain, reason, http.StatusText(fault.Status))
			return
		}
		if scopes, api := routeScopes[route]; api && !s.authorized(sw, r, scopes) {
			return
		}
		h(sw, r, rec)
	})
}

func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request, accepted []string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	a := s.access[tok]
	s.mu.Unlock()
	if !ok || a == nil || !a.valid {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
		writeError(w, http.StatusUnauthorized, "global", "authError", "Invalid Credentials")
		return false
	}
	for _, sc := range a.scopes {
		if slices.Contains(accepted, strings.TrimPrefix(sc, scopePrefix)) {
			return true
		}
	}
	writeError(w, http.StatusForbidden, "global", "insufficientPermissions", "Request had insufficient authentication scopes.")
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers in Google's JSON error shape.
func writeError(w http.ResponseWriter, code int, domain, reason, message string) {
	item := map[string]any{"domain": domain, "reason": reason, "message": message}
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": code, "message": message, "errors": []any{item},
	}})
}

func randID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return calendar.EventIDEncoding.EncodeToString(b)[:n]
}

func clone(ev *calendarv3.Event) *calendarv3.Event {
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	out := new(calendarv3.Event)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

func (s *Server) calendar(w http.ResponseWriter, r *http.Request) *fakeCal {
	c := s.cals[s.resolve(r.PathValue("cal"))]
	if c == nil {
		writeError(w, http.StatusNotFound, "global", "notFound", "Not Found")
	}
	return c
}
