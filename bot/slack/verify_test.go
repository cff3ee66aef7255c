package slack

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
)

// Slack's published example (docs: "Verifying requests from Slack").
const (
	slackVectorSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	slackVectorTS     = "1531420618"
	slackVectorBody   = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	slackVectorSig    = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

// slack-go's vector (security_test.go).
const (
	goVectorSecret = "e6b19c573432dcc6b075501d51b51bb8"
	goVectorTS     = "1531431954"
	goVectorBody   = `{"token":"aF5ynEYQH0dFN9imlgcADxDB","team_id":"XXXXXXXXX","api_app_id":"YYYYYYYYY","event":{"type":"app_mention","user":"AAAAAAAAA","text":"<@EEEEEEEEE> hello world","client_msg_id":"477cc591-ch73-a14z-4db8-g0cd76321bec","ts":"1531431954.000073","channel":"TTTTTTTTT","event_ts":"1531431954.000073"},"type":"event_callback","event_id":"TvBP7LRED7","event_time":1531431954,"authed_users":["EEEEEEEEE"]}`
	goVectorSig    = "v0=adada4ed31709aef585c2580ca3267678c6a8eaeb7e0c1aca3ee57b656886b2c"
)

// clockAt returns a clock stopped at the Unix time ts plus d.
func clockAt(tb testing.TB, ts string, d time.Duration) *testclock.Clock {
	tb.Helper()
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return testclock.New(time.Unix(n, 0).Add(d))
}

// signedHeader returns the headers Slack would send for body at ts.
func signedHeader(secret, ts, body string) http.Header {
	h := http.Header{}
	h.Set(headerTimestamp, ts)
	h.Set(headerSignature, "v0="+hex.EncodeToString(sign(secret, ts, []byte(body))))
	return h
}

func vectorHeader(sig, ts string) http.Header {
	h := http.Header{}
	if sig != "" {
		h.Set(headerSignature, sig)
	}
	if ts != "" {
		h.Set(headerTimestamp, ts)
	}
	return h
}

// serveVerified runs one request through v.Wrap and reports the response
// and the body next saw (nil when next was not called).
func serveVerified(t *testing.T, v Verifier, h http.Header, body io.Reader, length int64) (*httptest.ResponseRecorder, []byte) {
	t.Helper()
	var seen []byte
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("next: reading body: %v", err)
		}
		seen = append([]byte{}, b...)
		w.WriteHeader(http.StatusNoContent)
	})
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", body)
	r.ContentLength = length
	for k, vs := range h {
		r.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	v.Wrap(next).ServeHTTP(rec, r)
	return rec, seen
}

func TestVerifyVectors(t *testing.T) {
	for _, tc := range []struct {
		name                string
		secret, ts, body, s string
	}{
		{"OKSlackDocs", slackVectorSecret, slackVectorTS, slackVectorBody, slackVectorSig},
		{"OKSlackGo", goVectorSecret, goVectorTS, goVectorBody, goVectorSig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := "v0=" + hex.EncodeToString(sign(tc.secret, tc.ts, []byte(tc.body))); got != tc.s {
				t.Fatalf("sign = %s, want %s", got, tc.s)
			}
			v := Verifier{Secret: tc.secret, Clock: clockAt(t, tc.ts, 0)}
			if err := v.Verify(vectorHeader(tc.s, tc.ts), []byte(tc.body)); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			rec, seen := serveVerified(t, v, vectorHeader(tc.s, tc.ts), strings.NewReader(tc.body), int64(len(tc.body)))
			if rec.Code != http.StatusNoContent {
				t.Fatalf("status %d (%s), want next's 204", rec.Code, rec.Body)
			}
			if !bytes.Equal(seen, []byte(tc.body)) {
				t.Errorf("next saw body %q, want %q", seen, tc.body)
			}
		})
	}
}

func TestVerifyWrap(t *testing.T) {
	ok := Verifier{Secret: slackVectorSecret, Clock: clockAt(t, slackVectorTS, 0)}
	body := slackVectorBody

	t.Run("OK", func(t *testing.T) {
		// Unknown length (chunked) and a body with bytes a form parser would alter.
		raw := []byte("a=1&b=%ZZ\x00\xff+" + strings.Repeat("x", 4096))
		h := signedHeader(slackVectorSecret, slackVectorTS, string(raw))
		rec, seen := serveVerified(t, ok, h, bytes.NewReader(raw), -1)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("status %d (%s), want 204", rec.Code, rec.Body)
		}
		if !bytes.Equal(seen, raw) {
			t.Errorf("next saw %d bytes, want the identical %d bytes", len(seen), len(raw))
		}
	})
	t.Run("OKWindowEdges", func(t *testing.T) {
		for _, d := range []time.Duration{-5 * time.Minute, 5 * time.Minute} {
			v := Verifier{Secret: slackVectorSecret, Clock: clockAt(t, slackVectorTS, d)}
			if err := v.Verify(vectorHeader(slackVectorSig, slackVectorTS), []byte(body)); err != nil {
				t.Errorf("clock %v from timestamp: %v", d, err)
			}
		}
		v := Verifier{Secret: slackVectorSecret, Clock: clockAt(t, slackVectorTS, 30*time.Second), Window: 10 * time.Second}
		if err := v.Verify(vectorHeader(slackVectorSig, slackVectorTS), []byte(body)); err == nil {
			t.Error("a 30s old request passed a 10s window")
		}
	})
	t.Run("OKNilClockIsSystemClock", func(t *testing.T) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		v := Verifier{Secret: "s3cret"}
		if err := v.Verify(signedHeader("s3cret", ts, body), []byte(body)); err != nil {
			t.Fatal(err)
		}
	})

	for _, tc := range []struct {
		name string
		v    Verifier
		h    http.Header
		body string
		want string // in the 401 reason
	}{
		{"ErrTamperedBody", ok, vectorHeader(slackVectorSig, slackVectorTS), strings.Replace(body, "text=", "text=rm+-rf", 1), "bad signature"},
		{"ErrWrongSecret", Verifier{Secret: goVectorSecret, Clock: ok.Clock}, vectorHeader(slackVectorSig, slackVectorTS), body, "bad signature"},
		{"ErrStaleTimestamp", Verifier{Secret: slackVectorSecret, Clock: clockAt(t, slackVectorTS, 6*time.Minute)}, vectorHeader(slackVectorSig, slackVectorTS), body, "stale timestamp"},
		{"ErrFutureTimestamp", Verifier{Secret: slackVectorSecret, Clock: clockAt(t, slackVectorTS, -6*time.Minute)}, vectorHeader(slackVectorSig, slackVectorTS), body, "future timestamp"},
		{"ErrMissingSignature", ok, vectorHeader("", slackVectorTS), body, "missing X-Slack-Signature"},
		{"ErrMissingTimestamp", ok, vectorHeader(slackVectorSig, ""), body, "missing X-Slack-Request-Timestamp"},
		{"ErrMissingBoth", ok, http.Header{}, body, "missing"},
		{"ErrSignatureNoPrefix", ok, vectorHeader(strings.TrimPrefix(slackVectorSig, "v0="), slackVectorTS), body, "malformed X-Slack-Signature"},
		{"ErrSignatureOtherVersion", ok, vectorHeader("v1="+strings.TrimPrefix(slackVectorSig, "v0="), slackVectorTS), body, "malformed X-Slack-Signature"},
		{"ErrSignatureNotHex", ok, vectorHeader("v0="+strings.Repeat("zz", 32), slackVectorTS), body, "malformed X-Slack-Signature"},
		{"ErrSignatureShort", ok, vectorHeader(slackVectorSig[:40], slackVectorTS), body, "malformed X-Slack-Signature"},
		{"ErrTimestampNotNumeric", ok, vectorHeader(slackVectorSig, "yesterday"), body, "malformed X-Slack-Request-Timestamp"},
		{"ErrTimestampSigned", ok, vectorHeader(slackVectorSig, "+"+slackVectorTS), body, "malformed X-Slack-Request-Timestamp"},
		{"ErrTimestampFraction", ok, vectorHeader(slackVectorSig, slackVectorTS+".5"), body, "malformed X-Slack-Request-Timestamp"},
		{"ErrTimestampOverflow", ok, vectorHeader(slackVectorSig, strings.Repeat("9", 30)), body, "malformed X-Slack-Request-Timestamp"},
		{"ErrTimestampFarFuture", ok, signedHeader(slackVectorSecret, "9223372036854775807", body), body, "future timestamp"},
		{"ErrTimestampZero", ok, signedHeader(slackVectorSecret, "0", body), body, "stale timestamp"},
		{"ErrEmptySecret", Verifier{Clock: ok.Clock}, signedHeader("", slackVectorTS, body), body, "no signing secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.v.Verify(tc.h, []byte(tc.body))
			var he *herald.Error
			if !errors.As(err, &he) || he.Code != herald.EFORBIDDEN {
				t.Fatalf("Verify = %#v, want a *herald.Error with code %s", err, herald.EFORBIDDEN)
			}
			if !strings.Contains(he.Message, tc.want) {
				t.Errorf("Verify message %q, want it to say %q", he.Message, tc.want)
			}
			rec, seen := serveVerified(t, tc.v, tc.h, strings.NewReader(tc.body), int64(len(tc.body)))
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", rec.Code)
			}
			if seen != nil {
				t.Error("next was called")
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q, want text/plain", ct)
			}
			if !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("401 reason %q, want it to say %q", rec.Body, tc.want)
			}
		})
	}

	t.Run("ErrOversizedBody", func(t *testing.T) {
		big := bytes.Repeat([]byte("a"), MaxBody+1)
		h := signedHeader(slackVectorSecret, slackVectorTS, string(big))
		for _, length := range []int64{int64(len(big)), -1} { // declared, then chunked
			rec, seen := serveVerified(t, ok, h, bytes.NewReader(big), length)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("Content-Length %d: status %d, want 413", length, rec.Code)
			}
			if seen != nil {
				t.Errorf("Content-Length %d: next was called", length)
			}
		}
	})
	t.Run("OKBodyOfMaxBody", func(t *testing.T) {
		max := bytes.Repeat([]byte("a"), MaxBody)
		h := signedHeader(slackVectorSecret, slackVectorTS, string(max))
		rec, seen := serveVerified(t, ok, h, bytes.NewReader(max), -1)
		if rec.Code != http.StatusNoContent || !bytes.Equal(seen, max) {
			t.Errorf("status %d, next saw %d bytes; want 204 and %d bytes", rec.Code, len(seen), len(max))
		}
	})
}

// FuzzVerify: arbitrary headers and bodies never panic, every refusal is
// EFORBIDDEN, and nothing verifies unless its signature is the true HMAC.
func FuzzVerify(f *testing.F) {
	f.Add(slackVectorSig, slackVectorTS, []byte(slackVectorBody))
	f.Add(slackVectorSig, slackVectorTS, []byte(slackVectorBody+"x"))
	f.Add("v0=", "", []byte{})
	f.Add("v0="+strings.Repeat("0", 64), "1531420618", []byte("{}"))
	f.Add("v0=zz", "-1", []byte("\x00"))
	f.Add("", "99999999999999999999", []byte(nil))
	v := Verifier{Secret: slackVectorSecret, Clock: clockAt(f, slackVectorTS, 0)}
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		h := http.Header{}
		h.Set(headerSignature, sig)
		h.Set(headerTimestamp, ts)
		err := v.Verify(h, body)
		if err != nil {
			if herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Fatalf("Verify error %v has code %q, want %q", err, herald.ErrorCode(err), herald.EFORBIDDEN)
			}
		} else {
			got, ok := parseSignature(h.Get(headerSignature))
			if !ok || !hmac.Equal(got, sign(slackVectorSecret, h.Get(headerTimestamp), body)) {
				t.Fatalf("signature %q for timestamp %q verified but is not the HMAC", sig, ts)
			}
		}
		rec, seen := serveVerified(t, v, h, bytes.NewReader(body), int64(len(body)))
		if (err == nil) != (rec.Code == http.StatusNoContent) {
			t.Fatalf("Verify = %v but Wrap answered %d", err, rec.Code)
		}
		if err == nil && !bytes.Equal(seen, body) {
			t.Fatal("next saw a different body")
		}
		if err != nil && seen != nil {
			t.Fatal("next was called for a refused request")
		}
	})
}
