package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// Ingest stores the items pushed with token and returns how many were new.
// It returns a herald ENOTFOUND error when no webhook source has that
// token; it logs its own internal errors (the Handler only answers them).
type Ingest func(ctx context.Context, token string, items []mentions.Item) (int, error)

// Handler serves POST /hooks/mentions/{token} (the route must name the
// wildcard "token"): it reads at most maxBody bytes (DefaultMaxBody when
// maxBody <= 0), parses them with Parse and hands the items to ingest.
// ingest is called only with a valid body, so an invalid one stores
// nothing. Every answer is JSON; see the package doc for the statuses.
func Handler(ingest Ingest, maxBody int64) http.Handler {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			answerError(w, http.StatusMethodNotAllowed, "use POST")
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			answerError(w, http.StatusUnsupportedMediaType, "send the mentions as Content-Type: application/json")
			return
		}
		token := r.PathValue("token")
		if token == "" {
			answerError(w, http.StatusNotFound, "unknown webhook")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				answerError(w, http.StatusRequestEntityTooLarge, "the body is larger than "+strconv.FormatInt(maxBody, 10)+" bytes; send fewer mentions per request")
				return
			}
			answerError(w, http.StatusBadRequest, "the body could not be read")
			return
		}
		items, err := Parse(body)
		if err != nil {
			answerError(w, http.StatusBadRequest, herald.ErrorMessage(err))
			return
		}
		n, err := ingest(r.Context(), token, items)
		if err != nil {
			status, msg := statusOf(err)
			answerError(w, status, msg)
			return
		}
		answer(w, http.StatusAccepted, struct {
			Accepted int `json:"accepted"`
		}{n})
	})
}

// statusOf translates an ingest error to an HTTP status and the message
// the sender may see: only the message of a user-facing code; the rest is
// generic.
func statusOf(err error) (int, string) {
	switch herald.ErrorCode(err) {
	case herald.ENOTFOUND:
		return http.StatusNotFound, "unknown webhook"
	case herald.EINVALID:
		return http.StatusBadRequest, herald.ErrorMessage(err)
	case herald.EFORBIDDEN:
		return http.StatusForbidden, herald.ErrorMessage(err)
	case herald.ECONFLICT:
		return http.StatusConflict, herald.ErrorMessage(err)
	case herald.EUNAVAILABLE:
		return http.StatusServiceUnavailable, "Herald cannot take mentions right now; try again later"
	}
	return http.StatusInternalServerError, "Herald could not store the mentions"
}

func answerError(w http.ResponseWriter, status int, msg string) {
	answer(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

func answer(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // plain structs of strings and ints always marshal
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
