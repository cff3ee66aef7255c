package bot

import (
	"log/slog"
	"net/http"

	"github.com/heraldhq/herald"
)

// Once returns a handler that lets each signed request reach next once. A
// platform signs the timestamp and the body together, so the same request
// sent again (a replay, inside the timestamp window the verifier allows)
// carries the same signature: key(r) names it (its signature header, with
// a prefix per platform; "" lets the request through unremembered). A
// request whose key was seen before is answered with status and an empty
// body and never reaches next: nothing runs twice.
//
// Keys are remembered in seen, the database (so a restart or another
// replica remembers them too), for longer than any window: once the window
// has closed the verifier refuses the request as stale anyway, and the
// store deletes old keys on its own. When seen cannot answer, the request
// is refused with 503 rather than risk running it twice. A nil seen
// remembers nothing (every request goes through). clock stamps the keys
// (the store forgets them by that time).
//
// Once must sit behind the verifier (bot.Signed): only requests whose
// signature is good are remembered, so nobody can spend another's key.
func Once(seen Deduper, clock herald.Clock, key func(*http.Request) string, status int, log *slog.Logger, next http.Handler) http.Handler {
	if seen == nil {
		return next
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := key(r)
		if k == "" {
			next.ServeHTTP(w, r)
			return
		}
		first, err := seen.FirstSeen(r.Context(), k, clock.Now())
		switch {
		case err != nil:
			log.ErrorContext(r.Context(), "signed request not handled: replay check failed", "path", r.URL.Path, "error", err)
			http.Error(w, "Herald could not check this request; try again in a moment.", http.StatusServiceUnavailable)
		case !first:
			log.InfoContext(r.Context(), "signed request replayed; not run again", "path", r.URL.Path)
			w.WriteHeader(status)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
