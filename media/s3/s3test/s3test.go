// Package s3test is a fake S3 service over httptest for tests of
// media/s3: path-style requests signed with AWS Signature Version 4
// (checked, streaming chunk signatures included), PutObject (plain,
// unsigned or aws-chunked payloads), GetObject with Range, HeadObject,
// DeleteObject, ListObjectsV2 (paged), GetBucketLocation, HeadBucket, and
// S3's XML errors.
package s3test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type object struct {
	data     []byte
	modified time.Time
	etag     string
}

// Server is the fake service.
type Server struct {
	AccessKeyID, SecretAccessKey string
	// PageSize is the most keys one ListObjectsV2 page holds (1000 when 0).
	PageSize int
	// Now is the clock of Last-Modified (time.Now when nil).
	Now func() time.Time

	*httptest.Server
	mu      sync.Mutex
	buckets map[string]map[string]*object
	calls   map[string]int // "PUT", "GET range", …
}

// New starts a server holding the named empty buckets.
func New(accessKeyID, secretAccessKey string, buckets ...string) *Server {
	s := &Server{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey,
		buckets: map[string]map[string]*object{}, calls: map[string]int{}}
	for _, b := range buckets {
		s.buckets[b] = map[string]*object{}
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Object returns the bytes stored under key, and whether there are any.
func (s *Server) Object(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	if !ok {
		return nil, false
	}
	return o.data, true
}

// Age sets an object's Last-Modified time.
func (s *Server) Age(bucket, key string, modified time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.buckets[bucket][key]; ok {
		o.modified = modified
	}
}

// Calls returns how many requests of a kind were served: "PUT",
// "GET", "GET range", "HEAD", "DELETE", "LIST".
func (s *Server) Calls(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// s3Error writes an S3 error document.
func s3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>fake</RequestId></Error>`,
		code, msg, r.URL.Path)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	a, err := s.verify(r)
	if err != nil {
		s3Error(w, r, http.StatusForbidden, "SignatureDoesNotMatch", err.Error())
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s.mu.Lock()
	objects, ok := s.buckets[bucket]
	s.mu.Unlock()
	if !ok {
		s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	switch {
	case key == "" && r.Method == http.MethodGet && r.URL.Query().Has("location"):
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>`)
	case key == "" && r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
	case key == "" && r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2":
		s.list(w, r, objects)
	case key == "":
		s3Error(w, r, http.StatusNotImplemented, "NotImplemented", "not implemented by the fake")
	case r.Method == http.MethodPut:
		s.put(w, r, a, objects, key)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.get(w, r, objects, key)
	case r.Method == http.MethodDelete:
		s.count("DELETE")
		s.mu.Lock()
		delete(objects, key)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "method not allowed")
	}
}

func (s *Server) count(kind string) {
	s.mu.Lock()
	s.calls[kind]++
	s.mu.Unlock()
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, a *auth, objects map[string]*object, key string) {
	s.count("PUT")
	if r.URL.RawQuery != "" || r.Header.Get("X-Amz-Copy-Source") != "" {
		s3Error(w, r, http.StatusNotImplemented, "NotImplemented", "multipart and copies are not implemented by the fake")
		return
	}
	data, err := s.payload(r, a)
	if err != nil {
		s3Error(w, r, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	if m := r.Header.Get("Content-Md5"); m != "" {
		sum := md5.Sum(data)
		if m != base64.StdEncoding.EncodeToString(sum[:]) {
			s3Error(w, r, http.StatusBadRequest, "BadDigest", "Content-MD5 does not match")
			return
		}
	}
	sum := md5.Sum(data)
	o := &object{data: data, modified: s.now(), etag: `"` + hex.EncodeToString(sum[:]) + `"`}
	s.mu.Lock()
	objects[key] = o
	s.mu.Unlock()
	w.Header().Set("ETag", o.etag)
	w.WriteHeader(http.StatusOK)
}

// payload reads a PutObject body as its X-Amz-Content-Sha256 says.
func (s *Server) payload(r *http.Request, a *auth) ([]byte, error) {
	switch sha := r.Header.Get("X-Amz-Content-Sha256"); sha {
	case streamingPayload:
		if !strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
			return nil, fmt.Errorf("streaming payload without Content-Encoding aws-chunked")
		}
		n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("streaming payload without X-Amz-Decoded-Content-Length")
		}
		return a.readChunked(r.Body, n)
	case unsignedPayload:
		return io.ReadAll(r.Body)
	default:
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != sha {
			return nil, fmt.Errorf("X-Amz-Content-Sha256 does not match the body")
		}
		return data, nil
	}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, objects map[string]*object, key string) {
	kind := r.Method
	if r.Header.Get("Range") != "" {
		kind += " range"
	}
	s.count(kind)
	s.mu.Lock()
	o, ok := objects[key]
	s.mu.Unlock()
	if !ok {
		s3Error(w, r, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	w.Header().Set("ETag", o.etag)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Accept-Ranges", "bytes")
	http.ServeContent(w, r, "", o.modified, bytes.NewReader(o.data))
}

type listResult struct {
	XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string
	Prefix                string
	KeyCount              int
	MaxKeys               int
	IsTruncated           bool
	ContinuationToken     string `xml:",omitempty"`
	NextContinuationToken string `xml:",omitempty"`
	Contents              []listEntry
}

type listEntry struct {
	Key          string
	LastModified string
	ETag         string
	Size         int
	StorageClass string
}

// list answers ListObjectsV2, a page at a time; the continuation token is
// the last key of the previous page.
func (s *Server) list(w http.ResponseWriter, r *http.Request, objects map[string]*object) {
	s.count("LIST")
	q := r.URL.Query()
	prefix, after := q.Get("prefix"), q.Get("continuation-token")
	if after == "" {
		after = q.Get("start-after")
	}
	page := s.PageSize
	if page <= 0 {
		page = 1000
	}
	if m, err := strconv.Atoi(q.Get("max-keys")); err == nil && m > 0 && m < page {
		page = m
	}
	s.mu.Lock()
	var keys []string
	for k := range objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	res := listResult{Name: strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")[0], Prefix: prefix, MaxKeys: page,
		ContinuationToken: q.Get("continuation-token")}
	for i, k := range keys {
		if i == page {
			res.IsTruncated, res.NextContinuationToken = true, keys[i-1]
			break
		}
		o := objects[k]
		res.Contents = append(res.Contents, listEntry{Key: k, LastModified: o.modified.Format("2006-01-02T15:04:05.000Z"),
			ETag: o.etag, Size: len(o.data), StorageClass: "STANDARD"})
	}
	s.mu.Unlock()
	res.KeyCount = len(res.Contents)
	w.Header().Set("Content-Type", "application/xml")
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(res)
}
