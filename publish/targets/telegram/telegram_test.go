package telegram_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/telegram"
	"github.com/heraldhq/herald/publish/targets/telegram/telegramtest"
)

const (
	token      = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	otherToken = "987654:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	botID      = 123456
)

type fixture struct {
	tg  *telegramtest.Server
	pub *telegram.Publisher
}

// newFixture starts a fake Bot API knowing the bot, a public channel
// @acmenews where it is an administrator, a private channel where it is
// one too, and @elsewhere where it is not.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	tg := telegramtest.New()
	t.Cleanup(tg.Close)
	tg.AddBot(token, telegramtest.Bot{ID: botID, Username: "acme_bot"})
	tg.AddChat(telegramtest.Chat{ID: -1001111, Type: "channel", Title: "Acme news", Username: "acmenews", Members: map[int64]string{botID: "administrator"}})
	tg.AddChat(telegramtest.Chat{ID: -1002222, Type: "channel", Title: "Acme team", Members: map[int64]string{botID: "administrator"}})
	tg.AddChat(telegramtest.Chat{ID: -1003333, Type: "channel", Title: "Elsewhere", Username: "elsewhere", Members: map[int64]string{botID: "member"}})
	client := httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})
	return &fixture{tg: tg, pub: telegram.New(telegram.Options{APIURL: tg.URL(), Token: token, Client: client})}
}

func account(chat string) publish.Account {
	return publish.Account{BrandID: 1, Target: herald.Target{Kind: "telegram", Name: "news"}, Handle: chat}
}

func post(chat, text string) publish.Post {
	return publish.Post{DraftID: 7, Rev: 1, Target: herald.Target{Kind: "telegram", Name: "news"}, Account: account(chat), Text: text, Key: "k7"}
}

type blob struct{ *bytes.Reader }

func (blob) Close() error { return nil }

func item(typ, name string, data string) publish.Media {
	return publish.Media{Item: media.Item{Type: typ, Name: name, Size: int64(len(data)), Width: 800, Height: 600},
		Open: func(context.Context) (media.Blob, error) { return blob{bytes.NewReader([]byte(data))}, nil }}
}

func TestPublishText(t *testing.T) {
	f := newFixture(t)
	text := "Our store opens *Monday* <b>9:00</b> [link](https://acme.example) _under_ `code`"
	r, err := f.pub.Publish(context.Background(), post("@acmenews", text))
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.tg.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.Method != "sendMessage" || m.Text != text || m.ParseMode != "" || m.ChatID != -1001111 {
		t.Errorf("message %+v: want the text as typed, without parse_mode", m)
	}
	want := publish.Receipt{ID: "101", URL: "https://t.me/acmenews/101"}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
}

func TestPublishPrivateChannelHasNoLink(t *testing.T) {
	f := newFixture(t)
	r, err := f.pub.Publish(context.Background(), post("-1002222", "hello team"))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID == "" || r.URL != "" {
		t.Errorf("receipt %+v: want the message id and no t.me link", r)
	}
}

func TestPublishOwnToken(t *testing.T) {
	f := newFixture(t)
	f.tg.AddBot(otherToken, telegramtest.Bot{ID: 987654})
	f.tg.AddChat(telegramtest.Chat{ID: -1004444, Type: "channel", Username: "other", Members: map[int64]string{987654: "administrator"}})
	p := post("@other", "with the target's own bot")
	p.Account.Secret = otherToken
	if _, err := f.pub.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	p.Account.Secret = ""
	if _, err := f.pub.Publish(context.Background(), p); publish.Classify(err).Outcome != publish.Rejected {
		t.Errorf("the operator's bot, not in @other: %v", err)
	}
}

func TestPublishMedia(t *testing.T) {
	tests := []struct {
		name   string
		media  []publish.Media
		method string
		kinds  []string
	}{
		{"Photo", []publish.Media{item("image/jpeg", "a.jpg", "JPEGDATA")}, "sendPhoto", []string{"photo"}},
		{"Video", []publish.Media{item("video/mp4", "v.mp4", "MP4DATA")}, "sendVideo", []string{"video"}},
		{"GIF", []publish.Media{item("image/gif", "g.gif", "GIF89a")}, "sendAnimation", []string{"animation"}},
		{"Album", []publish.Media{item("image/jpeg", "a.jpg", "ONE"), item("video/mp4", "v.mp4", "TWO"), item("image/png", "c.png", "THREE")},
			"sendMediaGroup", []string{"photo", "video", "photo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := post("@acmenews", "caption *as typed*")
			p.Media = tt.media
			r, err := f.pub.Publish(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			msgs := f.tg.Messages()
			if len(msgs) != len(tt.kinds) {
				t.Fatalf("%d messages, want %d", len(msgs), len(tt.kinds))
			}
			for i, m := range msgs {
				wantText := ""
				if i == 0 {
					wantText = "caption *as typed*"
				}
				if m.Method != tt.method || m.Kind != tt.kinds[i] || m.Text != wantText || m.ParseMode != "" {
					t.Errorf("message %d: %+v", i, m)
				}
				if len(m.Files) != 1 || string(m.Files[0].Data) != mediaData(tt.media[i]) || m.Files[0].ContentType != tt.media[i].Type {
					t.Errorf("message %d uploaded %+v", i, m.Files)
				}
			}
			if r.URL != telegram.MessageURL("acmenews", msgs[0].ID) {
				t.Errorf("receipt %+v", r)
			}
		})
	}
}

func mediaData(m publish.Media) string {
	b, _ := m.Open(context.Background())
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(b)
	return buf.String()
}

func TestPublishErrors(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*telegramtest.Server)
		chat    string
		outcome publish.Outcome
		retry   time.Duration
		words   string
	}{
		{"ErrRateLimited", func(s *telegramtest.Server) { s.FailNext(429, "Too Many Requests: retry after 17", 17) }, "@acmenews", publish.Transient, 17 * time.Second, "Too Many Requests"},
		{"ErrServer", func(s *telegramtest.Server) { s.FailNext(502, "Bad Gateway", 0) }, "@acmenews", publish.Transient, 0, "Bad Gateway"},
		{"ErrNotAdmin", nil, "@elsewhere", publish.Rejected, 0, "Bad Request: need administrator rights in the channel chat"},
		{"ErrUnknownChat", nil, "@nosuchchan", publish.Rejected, 0, "Bad Request: chat not found"},
		{"ErrForbidden", func(s *telegramtest.Server) { s.FailNext(403, "Forbidden: bot was kicked from the channel chat", 0) }, "@acmenews", publish.Rejected, 0, "Forbidden: bot was kicked"},
		{"ErrDropped", func(s *telegramtest.Server) { s.DropNext() }, "@acmenews", publish.Ambiguous, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f.tg)
			}
			_, err := f.pub.Publish(context.Background(), post(tt.chat, "hello"))
			e := publish.Classify(err)
			if err == nil || e.Outcome != tt.outcome || e.RetryAfter != tt.retry || !strings.Contains(e.Message, tt.words) {
				t.Errorf("got %v (outcome %v, retry %v)", err, e.Outcome, e.RetryAfter)
			}
			if strings.Contains(errString(err), token) {
				t.Errorf("the error shows the bot token: %v", err)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPublishUnknownToken(t *testing.T) {
	f := newFixture(t)
	p := post("@acmenews", "hi")
	p.Account.Secret = otherToken
	_, err := f.pub.Publish(context.Background(), p)
	if e := publish.Classify(err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "Unauthorized") || strings.Contains(err.Error(), otherToken) {
		t.Errorf("got %v", err)
	}
}
