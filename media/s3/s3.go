// Package s3 is a media.Store in an S3-compatible service (AWS S3, MinIO,
// Garage, Ceph, R2, …), through minio-go: each item is the object
// PREFIX/SHA256 of one bucket. It is how replicas share media.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// Config says where the objects live: HERALD_MEDIA=s3://BUCKET/PREFIX with
// the query parameters endpoint (HOST:PORT or an http:// or https:// URL;
// AWS S3 when absent), region (us-east-1 when absent) and secure (false
// for plain http, as a local MinIO speaks).
type Config struct {
	Bucket   string
	Prefix   string // "" or ending in "/"
	Endpoint string // HOST:PORT
	Region   string
	Secure   bool
	// PathStyle addresses the bucket in the path (endpoint/bucket/key), as
	// MinIO and most S3-compatible services want; AWS takes the bucket in
	// the host name.
	PathStyle bool
}

// ParseURL reads an s3:// setting.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return Config{}, errors.New("expected s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=REGION")
	}
	c := Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Region: "us-east-1", Secure: true,
		Endpoint: "s3.amazonaws.com"}
	if c.Prefix != "" {
		c.Prefix += "/"
	}
	if !validBucket(c.Bucket) {
		return Config{}, fmt.Errorf("bucket %q: use 3 to 63 lowercase letters, digits, dots and hyphens", c.Bucket)
	}
	if strings.Trim(c.Prefix, safeKey) != "" || strings.Contains(c.Prefix, "//") || strings.Contains(c.Prefix, "..") {
		return Config{}, fmt.Errorf("prefix %q: use letters, digits and / - _ . only", c.Prefix)
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" && k != "region" && k != "secure" {
			return Config{}, fmt.Errorf("unknown parameter %q (endpoint, region, secure)", k)
		}
	}
	if r := q.Get("region"); r != "" {
		c.Region = r
	}
	if e := q.Get("endpoint"); e != "" {
		c.PathStyle = true
		if eu, err := url.Parse(e); err == nil && (eu.Scheme == "http" || eu.Scheme == "https") {
			if eu.Host == "" || strings.Trim(eu.Path, "/") != "" {
				return Config{}, fmt.Errorf("endpoint %q: give a host and port, without a path", e)
			}
			e, c.Secure = eu.Host, eu.Scheme == "https"
		}
		if strings.ContainsAny(e, "/?#@") {
			return Config{}, fmt.Errorf("endpoint %q: give HOST:PORT or http(s)://HOST:PORT", e)
		}
		c.Endpoint = e
	} else if c.Region != "us-east-1" {
		c.Endpoint = "s3." + c.Region + ".amazonaws.com"
	}
	switch s := q.Get("secure"); s {
	case "":
	case "true", "false":
		c.Secure = s == "true"
	default:
		return Config{}, fmt.Errorf("secure=%q: give true or false", s)
	}
	return c, nil
}

const safeKey = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_."

func validBucket(b string) bool {
	return len(b) >= 3 && len(b) <= 63 && strings.Trim(b, "abcdefghijklmnopqrstuvwxyz0123456789.-") == "" &&
		strings.Trim(b[:1]+b[len(b)-1:], ".-") == b[:1]+b[len(b)-1:]
}

// URL is the setting that gives c.
func (c Config) URL() string {
	q := url.Values{"region": {c.Region}}
	if c.PathStyle {
		q.Set("endpoint", c.Endpoint)
	}
	if !c.Secure {
		q.Set("secure", "false")
	}
	return "s3://" + c.Bucket + "/" + c.Prefix + "?" + q.Encode()
}

// Credentials authenticate to the service (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY); empty ones send anonymous requests.
type Credentials struct {
	AccessKeyID, SecretAccessKey string
}

// Store keeps media in a bucket.
type Store struct {
	cfg    Config
	client *minio.Client
}

var _ media.Store = (*Store)(nil)

// New returns the store of cfg. transport carries every request (the
// guarded client's, for an endpoint the operator configured); nil is
// http.DefaultTransport.
func New(cfg Config, creds Credentials, transport http.RoundTripper) (*Store, error) {
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	var cr *credentials.Credentials
	if creds.AccessKeyID != "" || creds.SecretAccessKey != "" {
		cr = credentials.NewStaticV4(creds.AccessKeyID, creds.SecretAccessKey, "")
	} else {
		cr = credentials.New(&credentials.Static{})
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: cr, Secure: cfg.Secure, Region: cfg.Region,
		Transport: transport, BucketLookup: lookup, MaxRetries: 3})
	if err != nil {
		return nil, herald.Errorf(herald.EINVALID, "media store %s: %v", cfg.URL(), err)
	}
	return &Store{cfg: cfg, client: client}, nil
}

func (s *Store) key(sum string) (string, error) {
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return "", herald.Errorf(herald.EINVALID, "%q is not a SHA-256", sum)
	}
	return s.cfg.Prefix + sum, nil
}

// Put implements media.Store: one PUT of size bytes, streamed from r (no
// multipart upload: an item is far below S3's 5 GiB single PUT).
func (s *Store) Put(ctx context.Context, sum string, r io.Reader, size int64) error {
	key, err := s.key(sum)
	if err != nil {
		return err
	}
	if info, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{}); err == nil && info.Size == size {
		return nil
	} else if err != nil && !missing(err) {
		return s.fail("put", err)
	}
	_, err = s.client.PutObject(ctx, s.cfg.Bucket, key, r, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream", DisableMultipart: true})
	if err != nil {
		return s.fail("put", err)
	}
	return nil
}

type blob struct {
	*minio.Object
	size int64
}

func (b blob) Size() int64 { return b.size }

// Open implements media.Store: reads are ranged GETs, Seek moves the next
// one.
func (s *Store) Open(ctx context.Context, sum string) (media.Blob, error) {
	key, err := s.key(sum)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.cfg.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.fail("open", err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if missing(err) {
			return nil, herald.Errorf(herald.ENOTFOUND, "no media %s", sum)
		}
		return nil, s.fail("open", err)
	}
	return blob{Object: obj, size: info.Size}, nil
}

// Delete implements media.Store.
func (s *Store) Delete(ctx context.Context, sum string) error {
	key, err := s.key(sum)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{}); err != nil && !missing(err) {
		return s.fail("delete", err)
	}
	return nil
}

// Walk implements media.Store: the objects under the prefix named by a
// SHA-256, with their last-modified time.
func (s *Store) Walk(ctx context.Context, fn func(sum string, stored time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn stops early
	for obj := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix, Recursive: true}) {
		if obj.Err != nil {
			return s.fail("list", obj.Err)
		}
		sum := strings.TrimPrefix(obj.Key, s.cfg.Prefix)
		if _, err := s.key(sum); err != nil {
			continue // not ours
		}
		if err := fn(sum, obj.LastModified); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Where implements media.Store.
func (s *Store) Where() string {
	src := "s3://" + s.cfg.Bucket + "/" + s.cfg.Prefix
	endpoint := ""
	if s.cfg.PathStyle {
		scheme := "https"
		if !s.cfg.Secure {
			scheme = "http"
		}
		endpoint = " --endpoint-url " + scheme + "://" + s.cfg.Endpoint
	}
	return fmt.Sprintf("media objects live in bucket %s under prefix %q at %s (region %s); copy them with the bucket's own replication, "+
		"or for example: aws s3 sync %s BACKUP/herald-media/%s (or mc mirror ALIAS/%s/%s BACKUP/herald-media/)",
		s.cfg.Bucket, s.cfg.Prefix, s.cfg.Endpoint, s.cfg.Region, src, endpoint, s.cfg.Bucket, s.cfg.Prefix)
}

// Check writes, reads back and removes a small probe object: the doctor's
// proof that the bucket is reachable and writable with these credentials.
func (s *Store) Check(ctx context.Context) error {
	key := s.cfg.Prefix + ".herald-doctor"
	probe := "herald doctor " + time.Now().UTC().Format(time.RFC3339)
	if _, err := s.client.PutObject(ctx, s.cfg.Bucket, key, strings.NewReader(probe), int64(len(probe)),
		minio.PutObjectOptions{DisableMultipart: true}); err != nil {
		return s.fail("write a probe to", err)
	}
	if _, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{}); err != nil {
		return s.fail("read a probe from", err)
	}
	if err := s.client.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return s.fail("remove a probe from", err)
	}
	return nil
}

// missing reports an answer saying the object is not there.
func missing(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == "NoSuchKey" || r.StatusCode == http.StatusNotFound && r.Code != "NoSuchBucket"
}

// fail words an error of the service for operators (never a credential:
// minio-go's errors carry the code, message, bucket and key).
func (s *Store) fail(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	r := minio.ToErrorResponse(err)
	msg := err.Error()
	if r.Code != "" {
		msg = r.Code + ": " + r.Message
	}
	return herald.Errorf(herald.EUNAVAILABLE, "media store: could not %s s3://%s/%s: %s", what, s.cfg.Bucket, s.cfg.Prefix, msg)
}
