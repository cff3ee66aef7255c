package x_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/x"
	"github.com/heraldhq/herald/publish/targets/x/xtest"
)

const text = "Launch day & <3: https://acme.com/launch?ref=herald"

// TestAmbiguousThenFound: the connection drops after X made the post;
// Check finds it among the latest posts (links shortened, & and <
// escaped as X shows them) and settles it.
func TestAmbiguousThenFound(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	f.srv.DropNext("/2/tweets")
	_, err := f.pub.Publish(context.Background(), post(a, text))
	if publish.Classify(err).Outcome != publish.Ambiguous {
		t.Fatalf("dropped: %v, want ambiguous", err)
	}
	tw := f.srv.Tweets()
	if len(tw) != 1 {
		t.Fatalf("%d posts", len(tw))
	}
	r, found, err := f.pub.Check(context.Background(), post(a, text))
	if err != nil || !found || r.ID != tw[0].ID {
		t.Errorf("Check: %+v %v %v", r, found, err)
	}
}

// TestCheckNotFound: nothing made, or only an identical post from before
// the post was due: not found (the scheduler sends it again).
func TestCheckNotFound(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	f.srv.AddTweet(xtest.Tweet{Text: text, AuthorID: a.Handle, Created: epoch.Add(-24 * time.Hour)})
	f.srv.AddTweet(xtest.Tweet{Text: "something else", AuthorID: a.Handle, Created: epoch})
	_, found, err := f.pub.Check(context.Background(), post(a, text))
	if err != nil || found {
		t.Errorf("Check: %v %v, want not found", found, err)
	}
}

// TestDuplicateSettled: sending again a post X has already is refused as
// duplicate content: it is found and settled as published, once.
func TestDuplicateSettled(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	first, err := f.pub.Publish(context.Background(), post(a, text))
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.pub.Publish(context.Background(), post(a, text))
	if err != nil || again.ID != first.ID || again.URL != first.URL {
		t.Errorf("again: %+v, %v; want the first post %+v", again, err, first)
	}
	if n := len(f.srv.Tweets()); n != 1 {
		t.Errorf("%d posts", n)
	}
}

func TestValidate(t *testing.T) {
	url := "https://example.com/" + strings.Repeat("p", 200)
	tests := []struct {
		name string
		text string
		ok   bool
	}{
		{"OKLatinAtLimit", strings.Repeat("a", 280), true},
		{"ErrLatinOverLimit", strings.Repeat("a", 281), false},
		{"OKCJKAtLimit", strings.Repeat("日", 140), true},
		{"ErrCJKOverLimit", strings.Repeat("日", 140) + "a", false},
		{"OKURLCounts23", strings.Repeat("a", 256) + " " + url, true},
		{"ErrURLCounts23", strings.Repeat("a", 257) + " " + url, false},
		{"OKEmojiSequencesCount2", strings.Repeat("👨‍👩‍👧‍👦", 140), true},
		{"ErrEmojiSequencesCount2", strings.Repeat("👨‍👩‍👧‍👦", 140) + "a", false},
		{"ErrHuge", strings.Repeat("a", 200000), false},
	}
	p := x.New(x.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Validate(publish.Account{}, tt.text)
			if (err == nil) != tt.ok || (!tt.ok && herald.AsError(err).Reason != x.ReasonTooLong) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestValidateMedia(t *testing.T) {
	it := func(typ string, size int64) media.Item { return media.Item{Type: typ, Name: "f", Size: size} }
	long := it("video/mp4", 10)
	long.Duration = 141 * time.Second
	alt := it("image/png", 10)
	alt.Alt = strings.Repeat("a", 1001)
	tests := []struct {
		name  string
		items []media.Item
		ok    bool
	}{
		{"OKFourPictures", []media.Item{it("image/jpeg", 1), it("image/png", 1), it("image/webp", 1), it("image/jpeg", 1)}, true},
		{"ErrFivePictures", []media.Item{it("image/jpeg", 1), it("image/png", 1), it("image/webp", 1), it("image/jpeg", 1), it("image/jpeg", 1)}, false},
		{"OKPictureAtSize", []media.Item{it("image/jpeg", x.MaxImageSize)}, true},
		{"ErrPictureOverSize", []media.Item{it("image/jpeg", x.MaxImageSize+1)}, false},
		{"OKGIFAtSize", []media.Item{it("image/gif", x.MaxGIFSize)}, true},
		{"ErrGIFOverSize", []media.Item{it("image/gif", x.MaxGIFSize+1)}, false},
		{"OKVideoAtSize", []media.Item{it("video/mp4", x.MaxVideoSize)}, true},
		{"ErrVideoOverSize", []media.Item{it("video/quicktime", x.MaxVideoSize+1)}, false},
		{"ErrVideoTooLong", []media.Item{long}, false},
		{"ErrVideoWithPicture", []media.Item{it("video/mp4", 1), it("image/jpeg", 1)}, false},
		{"ErrAltTooLong", []media.Item{alt}, false},
		{"ErrType", []media.Item{it("application/pdf", 1)}, false},
	}
	p := x.New(x.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.ValidateMedia(publish.Account{}, tt.items)
			if (err == nil) != tt.ok || (!tt.ok && herald.AsError(err).Reason != x.ReasonMedia) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestCheckAccount(t *testing.T) {
	p := x.New(x.Options{})
	for _, a := range []publish.Account{{URL: "https://x.com/acme", Secret: "tok"}, {Handle: "acme", Secret: "tok"}, {Handle: "123"}} {
		if err := p.CheckAccount(a); herald.AsError(err).Reason != publish.ReasonConnectOnly {
			t.Errorf("%+v: %v", a, err)
		}
	}
	if err := p.CheckAccount(publish.Account{Handle: "2244994945", Secret: "tok"}); err != nil {
		t.Errorf("a connected account: %v", err)
	}
}

// TestReply: a reply draft to a post on X answers it
// (reply.in_reply_to_tweet_id); a mention from another network is not
// answered on X.
func TestReply(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	p := post(a, "thanks!")
	p.ReplyTo = &publish.ReplyTo{Network: "x", ID: "1880000000000000042"}
	if _, err := f.pub.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	p = post(a, "thanks again!")
	p.ReplyTo = &publish.ReplyTo{Network: "mastodon", ID: "109"}
	if _, err := f.pub.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	tw := f.srv.Tweets()
	if len(tw) != 2 || tw[0].InReplyTo != "1880000000000000042" || tw[1].InReplyTo != "" {
		t.Errorf("tweets %+v", tw)
	}
}
