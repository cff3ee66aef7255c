package s3_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/media/s3"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, in string
		want     s3.Config
	}{
		{"OKAWS", "s3://photos", s3.Config{Bucket: "photos", Region: "us-east-1", Secure: true, Endpoint: "s3.amazonaws.com"}},
		{"OKAWSRegion", "s3://photos/herald/?region=eu-west-3", s3.Config{Bucket: "photos", Prefix: "herald/", Region: "eu-west-3", Secure: true, Endpoint: "s3.eu-west-3.amazonaws.com"}},
		{"OKMinIOHostPort", "s3://media/prod?endpoint=minio:9000&secure=false", s3.Config{Bucket: "media", Prefix: "prod/", Region: "us-east-1", Endpoint: "minio:9000", PathStyle: true}},
		{"OKMinIOHTTPURL", "s3://media?endpoint=http://127.0.0.1:9000&region=local", s3.Config{Bucket: "media", Region: "local", Endpoint: "127.0.0.1:9000", PathStyle: true}},
		{"OKHTTPS", "s3://media/a/b?endpoint=https://s3.example.net", s3.Config{Bucket: "media", Prefix: "a/b/", Region: "us-east-1", Endpoint: "s3.example.net", Secure: true, PathStyle: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s3.ParseURL(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			again, err := s3.ParseURL(got.URL())
			if err != nil || again != got {
				t.Errorf("URL() = %q reads back as %+v (%v)", got.URL(), again, err)
			}
		})
	}
	for _, bad := range []string{"", "s3://", "file:/x", "s3://bkt?endpoint=http://h:1/path", "s3://bkt?secure=maybe", "s3://bkt?acl=public", "s3://key:secret@bkt", "s3://b?endpoint=h/x", "s3://0/%00", "s3://UPPER", "s3://ab", "s3://media/../x", "s3://media/a b"} {
		if _, err := s3.ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"s3://media/prod?endpoint=minio:9000&secure=false", "s3://photos/herald/?region=eu-west-3", "s3://m?endpoint=https://h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := s3.ParseURL(in)
		if err != nil {
			return
		}
		if c.Bucket == "" || c.Endpoint == "" {
			t.Fatalf("%q gave %+v", in, c)
		}
		if again, err := s3.ParseURL(c.URL()); err != nil || again != c {
			t.Fatalf("%q: URL %q reads back as %+v (%v)", in, c.URL(), again, err)
		}
	})
}
