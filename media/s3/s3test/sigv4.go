package s3test

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	amzDate          = "20060102T150405Z"
)

// auth is a verified Signature Version 4 Authorization header.
type auth struct {
	signature string
	when      time.Time
	scope     string // DATE/REGION/s3/aws4_request
	key       []byte // the signing key
}

// verify checks the request's Authorization header (AWS Signature Version
// 4, as minio-go signs) against the server's credentials.
func (s *Server) verify(r *http.Request) (*auth, error) {
	h := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, errors.New("not AWS4-HMAC-SHA256")
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	cred := strings.SplitN(fields["Credential"], "/", 2)
	if len(cred) != 2 || cred[0] != s.AccessKeyID {
		return nil, errors.New("unknown access key")
	}
	when, err := time.Parse(amzDate, r.Header.Get("X-Amz-Date"))
	if err != nil {
		return nil, errors.New("bad X-Amz-Date")
	}
	scope := cred[1]
	parts := strings.Split(scope, "/")
	if len(parts) != 4 || parts[0] != when.Format("20060102") || parts[2] != "s3" || parts[3] != "aws4_request" {
		return nil, errors.New("bad credential scope")
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	canonical := strings.Join([]string{r.Method, r.URL.EscapedPath(), canonicalQuery(r.URL.Query()),
		canonicalHeaders(r, fields["SignedHeaders"]), fields["SignedHeaders"], payload}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + r.Header.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := mac([]byte("AWS4"+s.SecretAccessKey), parts[0])
	for _, p := range parts[1:] {
		key = mac(key, p)
	}
	want := hex.EncodeToString(mac(key, toSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return nil, errors.New("signature does not match")
	}
	return &auth{signature: want, when: when, scope: scope, key: key}, nil
}

func mac(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func canonicalQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

func canonicalHeaders(r *http.Request, signed string) string {
	names := strings.Split(signed, ";")
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		var v string
		switch n {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		default:
			vals := r.Header.Values(n)
			for i := range vals {
				vals[i] = strings.Join(strings.Fields(vals[i]), " ")
			}
			v = strings.Join(vals, ",")
		}
		b.WriteString(n + ":" + v + "\n")
	}
	return b.String()
}

// readChunked decodes an aws-chunked body (STREAMING-AWS4-HMAC-SHA256-
// PAYLOAD), checking every chunk's signature in the chain that starts
// with the request's.
func (a *auth) readChunked(body io.Reader, decoded int64) ([]byte, error) {
	br := bufio.NewReader(body)
	prev := a.signature
	var out []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("chunk header: %w", err)
		}
		sizeHex, sig, ok := strings.Cut(strings.TrimRight(line, "\r\n"), ";chunk-signature=")
		n, err := strconv.ParseInt(sizeHex, 16, 64)
		if !ok || err != nil || n < 0 || n > 16<<20 {
			return nil, fmt.Errorf("bad chunk header %q", line)
		}
		chunk := make([]byte, n+2)
		if _, err := io.ReadFull(br, chunk); err != nil || string(chunk[n:]) != "\r\n" {
			return nil, errors.New("short chunk")
		}
		chunk = chunk[:n]
		sum := sha256.Sum256(chunk)
		empty := sha256.Sum256(nil)
		toSign := strings.Join([]string{"AWS4-HMAC-SHA256-PAYLOAD", a.when.Format(amzDate), a.scope, prev, hex.EncodeToString(empty[:]), hex.EncodeToString(sum[:])}, "\n")
		want := hex.EncodeToString(mac(a.key, toSign))
		if !hmac.Equal([]byte(want), []byte(sig)) {
			return nil, errors.New("chunk signature does not match")
		}
		prev = sig
		out = append(out, chunk...)
		if n == 0 {
			break
		}
	}
	if int64(len(out)) != decoded {
		return nil, fmt.Errorf("decoded %d bytes, x-amz-decoded-content-length says %d", len(out), decoded)
	}
	return out, nil
}
