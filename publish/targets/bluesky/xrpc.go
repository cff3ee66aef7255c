package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/heraldhq/herald/publish"
)

// The XRPC methods this package calls.
const (
	nsidCreateSession = "com.atproto.server.createSession"
	nsidCreateRecord  = "com.atproto.repo.createRecord"
	nsidGetRecord     = "com.atproto.repo.getRecord"
	nsidResolveHandle = "com.atproto.identity.resolveHandle"
)

// call is one XRPC request: a query (GET) or a procedure (POST).
type call struct {
	method string
	nsid   string
	query  url.Values
	token  string // access JWT; "" for public methods
	in     any    // JSON body of a procedure
	// raw, when set, is the body of a procedure that takes bytes
	// (uploadBlob): rawLen bytes of type rawType, streamed.
	raw     io.Reader
	rawLen  int64
	rawType string
}

// reply is what a PDS answered: the body of a success, or the status and
// the XRPC error ({"error": name, "message": text}) of a failure.
type reply struct {
	body   []byte
	status int // 0 when no answer came
	name   string
	text   string
}

// xrpc sends c to the PDS at pds through publish.Do and publish.Read, so
// its error is classified the same way as every publisher's; the reply
// keeps the XRPC error name, which callers need (ExpiredToken,
// RecordNotFound) and which publish.Read folds into its message.
func (p *Publisher) xrpc(ctx context.Context, pds string, c call) (reply, error) {
	u := pds + "/xrpc/" + c.nsid
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var body io.Reader
	if c.in != nil {
		b, err := json.Marshal(c.in)
		if err != nil {
			return reply{}, &publish.Error{Outcome: publish.Rejected, Message: "the post could not be encoded", Err: err}
		}
		body = bytes.NewReader(b)
	}
	if c.raw != nil {
		body = io.LimitReader(c.raw, c.rawLen)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u, body)
	if err != nil {
		return reply{}, &publish.Error{Outcome: publish.Rejected, Message: "the Bluesky server address is not usable; check the target's URL", Err: err}
	}
	req.Header.Set("Accept", "application/json")
	switch {
	case c.raw != nil:
		req.ContentLength = c.rawLen // the PDS refuses an upload whose length differs
		req.Header.Set("Content-Type", c.rawType)
		req.GetBody = nil
	case c.in != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := publish.Do(p.client, req)
	if err != nil {
		return reply{}, err
	}
	rec := &recorder{ReadCloser: resp.Body}
	resp.Body = rec
	b, err := publish.Read(resp, p.clock.Now())
	if err != nil {
		r := reply{status: resp.StatusCode}
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		if json.Unmarshal(rec.buf.Bytes(), &e) == nil {
			r.name, r.text = e.Error, e.Message
		}
		return r, err
	}
	return reply{body: b, status: resp.StatusCode}, nil
}

// recorder keeps what is read through it (publish.Read bounds that).
type recorder struct {
	io.ReadCloser
	buf bytes.Buffer
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.buf.Write(p[:n])
	return n, err
}

// expired reports whether a failed call was refused for its token: a PDS
// answers an expired access JWT with 400 ExpiredToken.
func expired(r reply) bool {
	return r.status == http.StatusUnauthorized ||
		r.status == http.StatusBadRequest && (r.name == "ExpiredToken" || r.name == "InvalidToken")
}
