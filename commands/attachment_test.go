package commands_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
)

// attachRouter has one command taking a typed source and an attached
// file, as media add does.
func attachRouter(got *[]*commands.Request) *commands.Router {
	r := commands.NewRouter()
	r.Register(&commands.Def{Path: "media add", Summary: "Add.", Params: []commands.Param{
		{Name: "id", Kind: commands.ID, Required: true},
		{Name: "source", Kind: commands.String},
		{Name: "file", Kind: commands.Attachment},
		{Name: "alt", Kind: commands.String, Flag: true},
	}, Handler: func(_ context.Context, req *commands.Request) (commands.Response, error) {
		*got = append(*got, req)
		return commands.Response{Text: "ok"}, nil
	}})
	return r
}

func TestAttachmentParam(t *testing.T) {
	var got []*commands.Request
	r := attachRouter(&got)
	ctx := context.Background()
	actor := herald.Actor{Platform: "discord", UserID: "1"}
	t.Run("OKUsageLeavesItOut", func(t *testing.T) {
		d, _, err := r.Parse(actor, "media add 12")
		if err != nil || d.Usage() != "media add ID [SOURCE] [--alt ALT]" {
			t.Errorf("usage %q, %v", d.Usage(), err)
		}
	})
	t.Run("OKTypedValueGoesToTheString", func(t *testing.T) {
		_, args, err := r.Parse(actor, "media add 12 https://example.com/a.jpg --alt x")
		if err != nil || args.Str("source") != "https://example.com/a.jpg" || args.Has("file") {
			t.Errorf("args %v, %v", args, err)
		}
	})
	t.Run("OKFilesReachTheHandler", func(t *testing.T) {
		f := commands.File{Name: "a.jpg", Size: 3, Param: "file", Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("abc")), nil }}
		resp := r.Dispatch(ctx, commands.Call{Actor: actor, Channel: testChannel, Text: "media add 12", Files: []commands.File{f}})
		if resp.ErrCode != "" || len(got) != 1 || len(got[0].Files) != 1 || got[0].Files[0].Name != "a.jpg" {
			t.Fatalf("response %+v, requests %d", resp, len(got))
		}
	})
	t.Run("ErrTypedAsFlag", func(t *testing.T) {
		if _, _, err := r.Parse(actor, "media add 12 --file a.jpg"); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("error %v; want EINVALID", err)
		}
	})
	t.Run("ErrGivenAsValue", func(t *testing.T) {
		resp := r.DispatchValues(ctx, actor, testChannel, "media add", map[string]string{"id": "12", "file": "a.jpg"})
		if resp.ErrCode != herald.EINVALID || !strings.Contains(resp.Text, "attach it") {
			t.Errorf("response %+v; want a refusal saying to attach it", resp)
		}
	})
}
