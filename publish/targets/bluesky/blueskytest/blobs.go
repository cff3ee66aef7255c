package blueskytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // the fake decodes the pictures it is sent
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/heraldhq/herald/media/mediatest"
)

// UploadBlob is the method that takes a blob's bytes.
const UploadBlob = "com.atproto.repo.uploadBlob"

// maxBlob is what the fake PDS takes in one upload (a PDS's
// PDS_BLOB_UPLOAD_LIMIT; the images lexicon's 1,000,000 bytes are checked
// when a record refers to the blob).
const maxBlob = 100 << 20

// Blob is a blob the fake received.
type Blob struct {
	CID      string // raw CIDv1 (base32) of the bytes, as a PDS makes it
	DID      string // who uploaded it
	MimeType string // the upload's Content-Type
	Size     int64
	// ContentLength is the upload's Content-Length (-1 when chunked).
	ContentLength int64
	// Width and Height of the decoded picture (Decoded false when the
	// bytes are no picture the fake decodes).
	Width, Height int
	Decoded       bool
	// Leaks are the metadata found in a picture's bytes (mediatest.Leaks:
	// GPS and other EXIF, XMP, comments): what Herald must never send.
	Leaks []string
	gone  bool // forgotten (ForgetBlobs): a record may no longer refer to it
}

// Image is an image of a post's app.bsky.embed.images, as sent.
type Image struct {
	Alt         string
	CID         string
	MimeType    string
	Size        int64
	AspectRatio *struct{ Width, Height int }
}

// Blobs returns the blobs received, in order.
func (s *Server) Blobs() []Blob {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Blob(nil), s.blobs...)
}

// ForgetBlobs drops every blob no record refers to, as a PDS does after a
// while.
func (s *Server) ForgetBlobs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	used := map[string]bool{}
	for _, p := range s.records {
		for _, im := range p.Images {
			used[im.CID] = true
		}
	}
	for i := range s.blobs {
		if !used[s.blobs[i].CID] {
			s.blobs[i].gone = true
		}
	}
}

// uploadBlob serves com.atproto.repo.uploadBlob: the body is the blob,
// typed by Content-Type; the answer is the blob reference.
func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, NSID: UploadBlob, Auth: r.Header.Get("Authorization")})
	f, faulted := s.takeFault(UploadBlob)
	did, status, fail := s.auth(r)
	s.mu.Unlock()
	switch {
	case faulted:
		writeFault(w, f)
		return
	case r.Method != http.MethodPost:
		writeJSON(w, http.StatusMethodNotAllowed, xrpcError("InvalidRequest", "Incorrect HTTP method ("+r.Method+") expected POST"))
		return
	case fail != nil:
		writeJSON(w, status, fail)
		return
	}
	typ, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if typ == "" || typ == "application/json" {
		writeJSON(w, http.StatusBadRequest, xrpcError("InvalidRequest", "Wrong request encoding (Content-Type): "+typ))
		return
	}
	b, err := readBlob(r, typ)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, xrpcError("InvalidRequest", err.Error()))
		return
	}
	b.DID, b.MimeType = did, typ
	s.mu.Lock()
	s.blobs = append(s.blobs, b)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"blob": map[string]any{
		"$type": "blob", "ref": map[string]string{"$link": b.CID}, "mimeType": b.MimeType, "size": b.Size,
	}})
}

// readBlob hashes the body as it streams in, keeping only a picture's
// bytes (up to maxBlob) to decode them; a body whose length differs from
// its Content-Length is refused, as a PDS does.
func readBlob(r *http.Request, typ string) (Blob, error) {
	h := sha256.New()
	var keep bytes.Buffer
	var w io.Writer = h
	if strings.HasPrefix(typ, "image/") {
		w = io.MultiWriter(h, &keep)
	}
	n, err := io.Copy(w, io.LimitReader(r.Body, maxBlob+1))
	switch {
	case err != nil:
		return Blob{}, fmt.Errorf("reading the blob: %v", err)
	case n > maxBlob:
		return Blob{}, fmt.Errorf("This file is too large")
	case r.ContentLength >= 0 && n != r.ContentLength:
		return Blob{}, fmt.Errorf("the blob's length %d differs from its Content-Length %d", n, r.ContentLength)
	}
	b := Blob{CID: rawCID(h.Sum(nil)), Size: n, ContentLength: r.ContentLength}
	if img, _, err := image.Decode(bytes.NewReader(keep.Bytes())); err == nil {
		b.Width, b.Height, b.Decoded = img.Bounds().Dx(), img.Bounds().Dy(), true
	}
	b.Leaks = mediatest.Leaks(typ, keep.Bytes())
	return b, nil
}

// rawCID is the CIDv1 of raw bytes with digest (multicodec raw 0x55,
// sha2-256), in base32 with its multibase prefix b.
func rawCID(digest []byte) string {
	b := append([]byte{0x01, 0x55, 0x12, 0x20}, digest...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// CIDOf is the CID a PDS gives the bytes b.
func CIDOf(b []byte) string {
	sum := sha256.Sum256(b)
	return rawCID(sum[:])
}

// checkImages checks a post's embed as the PDS does when a record refers
// to blobs (app.bsky.embed.images: at most four, alt required, each a
// blob of this account it still has, an image of at most 1,000,000
// bytes); it returns the images, or the XRPC error to answer.
func (s *Server) checkImages(did string, raw json.RawMessage) ([]Image, map[string]string) {
	var rec struct {
		Embed *struct {
			Type   string `json:"$type"`
			Images []struct {
				Alt   *string `json:"alt"`
				Image struct {
					Type     string            `json:"$type"`
					Ref      map[string]string `json:"ref"`
					MimeType string            `json:"mimeType"`
					Size     int64             `json:"size"`
				} `json:"image"`
				AspectRatio *struct{ Width, Height int } `json:"aspectRatio"`
			} `json:"images"`
		} `json:"embed"`
	}
	if json.Unmarshal(raw, &rec) != nil || rec.Embed == nil {
		return nil, nil
	}
	e := rec.Embed
	if e.Type != "app.bsky.embed.images" {
		return nil, xrpcError("InvalidRecord", "this fake takes only app.bsky.embed.images embeds")
	}
	if len(e.Images) == 0 || len(e.Images) > 4 {
		return nil, xrpcError("InvalidRecord", "Invalid app.bsky.feed.post record: Record/embed/images must not have more than 4 elements")
	}
	var out []Image
	for i, im := range e.Images {
		cid := im.Image.Ref["$link"]
		b := s.blob(did, cid)
		switch {
		case im.Alt == nil:
			return nil, xrpcError("InvalidRecord", fmt.Sprintf(`Invalid app.bsky.feed.post record: Record/embed/images/%d must have the property "alt"`, i))
		case im.Image.Type != "blob" || b == nil:
			return nil, xrpcError("BlobNotFound", "Could not find blob: "+cid)
		case !strings.HasPrefix(b.MimeType, "image/") || b.MimeType != im.Image.MimeType:
			return nil, xrpcError("InvalidMimeType", fmt.Sprintf("Wrong type of file. It is %s but it must match image/*.", b.MimeType))
		case b.Size > 1_000_000 || b.Size != im.Image.Size:
			return nil, xrpcError("BlobTooLarge", fmt.Sprintf("This file is too large. It is %d bytes but the maximum size is 1000000 bytes.", b.Size))
		case im.AspectRatio != nil && (im.AspectRatio.Width < 1 || im.AspectRatio.Height < 1):
			return nil, xrpcError("InvalidRecord", fmt.Sprintf("Invalid app.bsky.feed.post record: Record/embed/images/%d/aspectRatio must be positive", i))
		}
		out = append(out, Image{Alt: *im.Alt, CID: cid, MimeType: b.MimeType, Size: b.Size, AspectRatio: im.AspectRatio})
	}
	return out, nil
}

func (s *Server) blob(did, cid string) *Blob {
	for i := range s.blobs {
		if b := &s.blobs[i]; b.CID == cid && b.DID == did && !b.gone {
			return b
		}
	}
	return nil
}
