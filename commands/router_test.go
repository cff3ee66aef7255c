package commands_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
)

// MustRealRouter returns Herald's real command set with no service behind
// it: good for Parse, help and Overview, which never reach the domain.
func MustRealRouter(tb testing.TB) *commands.Router {
	tb.Helper()
	r := handlers.New(kit.Deps{})
	if len(r.Defs()) == 0 {
		tb.Fatal("handlers.New registered no definitions")
	}
	return r
}

var testChannel = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}

func TestParsePrefixAndEmpty(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OKSlashHerald", line: "/herald say hi", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKHerald", line: "herald say hi", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKHeraldUpper", line: "Herald say hi", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKSpacesAround", line: " \t /herald   say hi \n", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKCommandCaseInsensitive", line: "SAY hi", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKGroupCaseInsensitive", line: "Brand ADD Acme", path: "brand add", want: commands.Args{"name": "Acme"}},
		{name: "OKEmpty", line: "", path: "help"},
		{name: "OKBlank", line: " \t\n ", path: "help"},
		{name: "OKSlashHeraldAlone", line: "/herald", path: "help"},
		{name: "OKHeraldAlone", line: "herald  ", path: "help"},
		{name: "ErrQuotedHerald", line: `"herald" say hi`, errHas: []string{`There is no command "herald"`}},
		{name: "ErrQuotedCommand", line: `"say" hi`, errHas: []string{`There is no command "say"`}},
		{name: "ErrHeraldTwice", line: "herald herald say", errHas: []string{`There is no command "herald"`}},
	})
}

func TestParseUnknownCommand(t *testing.T) {
	r := MustTestRouter(t, nil)
	real := MustRealRouter(t)
	tests := []struct {
		name    string
		r       *commands.Router
		line    string
		has     []string
		hasNone string
	}{
		{name: "ErrTypo", r: real, line: "aprove 12", has: []string{`There is no command "aprove".`, "Did you mean `approve`?", "`help` lists every command."}},
		{name: "ErrTypoUpper", r: real, line: "APROVE 12", has: []string{"Did you mean `approve`?"}},
		{name: "ErrTypoGroup", r: real, line: "bran add Acme", has: []string{"Did you mean `brand add`?"}},
		{name: "ErrTypoGroupAlone", r: real, line: "bran", has: []string{"Did you mean `brand`?"}},
		{name: "ErrTypoDrafsIsDrafts", r: real, line: "drafs", has: []string{"Did you mean `drafts`?"}},
		{name: "ErrTypoSub", r: real, line: "brand ad Foo", has: []string{"Did you mean `brand add`?"}},
		{name: "ErrTypoApproveArgs", r: real, line: "aprove 12 now", has: []string{"Did you mean `approve`?"}},
		{name: "ErrTypoDrafts", r: real, line: "drfts", has: []string{"Did you mean `drafts`?"}},
		{name: "ErrFar", r: real, line: "xyzzyq", has: []string{`There is no command "xyzzyq".`, "`help` lists every command."}, hasNone: "Did you mean"},
		{name: "ErrLongWord", r: real, line: strings.Repeat("approve", 10), has: []string{"There is no command"}, hasNone: "Did you mean"},
		{name: "ErrTestRouter", r: r, line: "sy hi", has: []string{"Did you mean `say`?"}},
		{name: "ErrGroupAlone", r: real, line: "brand", has: []string{"`brand` needs one of: add, list, use, lang, zone (e.g. `brand add`)."}},
		{name: "ErrGroupUpper", r: real, line: "BRAND", has: []string{"`brand` needs one of: add, list, use, lang, zone"}},
		{name: "ErrGroupUnknownSub", r: real, line: "brand remove Acme", has: []string{"`brand` needs one of: add, list, use, lang, zone"}},
		{name: "ErrGroupTestRouter", r: r, line: "/herald brand", has: []string{"`brand` needs one of: add, list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := MustParseErr(t, tt.r, tt.line)
			for _, s := range tt.has {
				if !strings.Contains(msg, s) {
					t.Errorf("Parse(%q) error %q does not contain %q", tt.line, msg, s)
				}
			}
			if tt.hasNone != "" && strings.Contains(msg, tt.hasNone) {
				t.Errorf("Parse(%q) error %q contains %q", tt.line, msg, tt.hasNone)
			}
		})
	}
}

func TestParseMaxInput(t *testing.T) {
	r := MustTestRouter(t, nil)
	t.Run("OKAtLimit", func(t *testing.T) {
		line := "say " + strings.Repeat("a", commands.MaxInput-len("say "))
		_, args := MustParse(t, r, line)
		if got := len(args.Str("text")); got != commands.MaxInput-4 {
			t.Errorf("text is %d bytes; want %d", got, commands.MaxInput-4)
		}
	})
	t.Run("ErrOverLimit", func(t *testing.T) {
		line := "say " + strings.Repeat("a", commands.MaxInput)
		msg := MustParseErr(t, r, line)
		if !strings.Contains(msg, fmt.Sprint(commands.MaxInput)) {
			t.Errorf("error %q does not state the limit", msg)
		}
		if len(msg) > 200 {
			t.Errorf("error is %d bytes long; it should not echo the input", len(msg))
		}
	})
	t.Run("ErrOverLimitUnterminatedQuote", func(t *testing.T) {
		// Refused before tokenizing: the quote is never looked at.
		msg := MustParseErr(t, r, `say "`+strings.Repeat("é", commands.MaxInput))
		if strings.Contains(msg, "quote") {
			t.Errorf("error %q is about the quote; want the size limit", msg)
		}
	})
}

// TestParseCommands parses the PRODUCT.md forms of the real command set.
func TestParseCommands(t *testing.T) {
	r := MustRealRouter(t)
	sam := herald.Actor{Platform: "slack", UserID: "sam", Name: "sam"}
	runParseCases(t, r, []parseCase{
		{name: "OKHelp", line: "/herald help", path: "help"},
		{name: "OKHelpCommand", line: "help brand add", path: "help", want: commands.Args{"command": "brand add"}},
		{name: "OKBrandAdd", line: "/herald brand add Acme Corp", path: "brand add", want: commands.Args{"name": "Acme Corp"}},
		{name: "OKBrandList", line: "brand list", path: "brand list"},
		{name: "OKBrandUse", line: `brand use "Acme Corp"`, path: "brand use", want: commands.Args{"name": "Acme Corp"}},
		{name: "OKRole", line: "role @sam editor", path: "role", want: commands.Args{"user": sam, "role": "editor"}},
		{name: "OKRoleSlack", line: "role <@U123|claire> CLIENT --brand Acme", path: "role",
			want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "U123", Name: "claire"}, "role": "client", "brand": "Acme"}},
		{name: "OKRoleNone", line: "role @sam none", path: "role", want: commands.Args{"user": sam, "role": "none"}},
		{name: "OKPolicy", line: `policy "team:1 client:1"`, path: "policy", want: commands.Args{"policy": "team:1 client:1"}},
		{name: "OKPolicyUnquoted", line: "policy team:1 client:1 --brand Acme", path: "policy", want: commands.Args{"policy": "team:1 client:1", "brand": "Acme"}},
		{name: "OKPolicyShow", line: "policy", path: "policy"},
		{name: "OKDraft", line: `/herald draft "Our new store opens Monday!" --to slack:#news --at "mon 9:00"`, path: "draft",
			want: commands.Args{"text": "Our new store opens Monday!", "to": []herald.Target{{Kind: "slack", Name: "#news"}}, "at": "mon 9:00"}},
		{name: "OKDraftForm", line: "draft", path: "draft"},
		{name: "OKDraftMultiline", line: "draft Big news!\n\nWe open — finally.\n#launch", path: "draft",
			want: commands.Args{"text": "Big news!\n\nWe open — finally.\n#launch"}},
		{name: "OKDrafts", line: "drafts", path: "drafts"},
		{name: "OKDraftsFilter", line: "drafts MINE --brand Acme", path: "drafts", want: commands.Args{"filter": "mine", "brand": "Acme"}},
		{name: "OKShow", line: "show #12", path: "show", want: commands.Args{"id": int64(12)}},
		{name: "OKAudit", line: "audit 12", path: "audit", want: commands.Args{"id": int64(12)}},
		{name: "OKEdit", line: `edit 12 "Our new store opens Tuesday!"`, path: "edit", want: commands.Args{"id": int64(12), "text": "Our new store opens Tuesday!"}},
		{name: "OKEditForm", line: "edit 12", path: "edit", want: commands.Args{"id": int64(12)}},
		{name: "OKSubmit", line: "submit 12", path: "submit", want: commands.Args{"id": int64(12)}},
		{name: "OKApprove", line: "approve 12", path: "approve", want: commands.Args{"id": int64(12)}},
		{name: "OKApproveComment", line: `approve 12 "great, ship it"`, path: "approve", want: commands.Args{"id": int64(12), "comment": "great, ship it"}},
		{name: "OKApproveButton", line: "approve 12 --rev 3", path: "approve", want: commands.Args{"id": int64(12), "rev": int64(3)}},
		{name: "OKChangesButton", line: "changes 12 --rev 2 shorter please", path: "changes", want: commands.Args{"id": int64(12), "rev": int64(2), "comment": "shorter please"}},
		{name: "OKReject", line: "reject 12 off-brand —rev 1", path: "reject", want: commands.Args{"id": int64(12), "reason": "off-brand", "rev": int64(1)}},
		{name: "ErrChangesNoComment", line: "changes 12", errHas: []string{"`changes` needs COMMENT", "usage: `changes ID COMMENT ... [--rev N]`"}},
		{name: "ErrRejectNoReason", line: "reject 12 --rev 2", errHas: []string{"`reject` needs REASON"}},
		{name: "OKRoleList", line: "role", path: "role", want: commands.Args{}},
		{name: "ErrRoleUnknown", line: "role @sam boss", errHas: []string{`"boss" is not one of admin, editor, approver, client, viewer, none`}},
		{name: "ErrRoleUnknown", line: "role @sam owner", errHas: []string{`"owner" is not one of admin, editor, approver, client, viewer, none.`}},
		{name: "ErrRoleNotUser", line: "role sam editor", errHas: []string{`"sam" is not a user`}},
		{name: "ErrShowMissing", line: "show", errHas: []string{"`show` needs ID", "usage: `show ID`"}},
		{name: "ErrShowZero", line: "show 0", errHas: []string{"ID must be a draft id"}},
		{name: "ErrShowTwo", line: "show 12 13", errHas: []string{`does not expect "13"`}},
		{name: "ErrDraftsFilter", line: "drafts later", errHas: []string{`"later" is not one of pending, mine, scheduled.`}},
		{name: "ErrDraftTarget", line: "draft hi --to twitter:acme", errHas: []string{`"twitter:acme" is not a target`}},
		{name: "ErrDraftOption", line: "draft hi --when tomorrow", errHas: []string{"`draft` has no option --when"}},
		{name: "ErrRevNoValue", line: "approve 12 --rev", errHas: []string{"--rev needs a value"}},
		{name: "ErrRevZero", line: "approve 12 --rev 0", errHas: []string{"--rev must be a number"}},
		{name: "ErrNotYetCommand", line: "queue --brand Acme", errHas: []string{`There is no command "queue"`}},
	})
}

// TestDefExamplesParse keeps every example shown by help valid.
func TestDefExamplesParse(t *testing.T) {
	r := MustRealRouter(t)
	for _, d := range r.Defs() {
		for _, ex := range d.Examples {
			t.Run(ex, func(t *testing.T) {
				got, _ := MustParse(t, r, ex)
				if got.Path != d.Path {
					t.Errorf("example %q of %q parses as %q", ex, d.Path, got.Path)
				}
			})
		}
	}
}

// recorder is a handler that keeps the requests it gets.
type recorder struct {
	reqs []*commands.Request
	resp commands.Response
	err  error
}

func (rec *recorder) handle(_ context.Context, r *commands.Request) (commands.Response, error) {
	rec.reqs = append(rec.reqs, r)
	return rec.resp, rec.err
}

func TestDispatchValues(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		rec := &recorder{resp: commands.Response{Text: "done"}}
		r := MustTestRouter(t, rec.handle)
		resp := r.DispatchValues(ctx, testActor, testChannel, "pick", map[string]string{"id": "#12", "color": "RED"})
		if diff := cmp.Diff(commands.Response{Text: "done"}, resp); diff != "" {
			t.Errorf("response (-want +got):\n%s", diff)
		}
		if len(rec.reqs) != 1 {
			t.Fatalf("handler ran %d times; want 1", len(rec.reqs))
		}
		req := rec.reqs[0]
		if req.Def.Path != "pick" || !cmp.Equal(req.Actor, testActor) || req.Channel != testChannel {
			t.Errorf("request = %+v; want pick by %v in %v", req, testActor, testChannel)
		}
		if diff := cmp.Diff(commands.Args{"id": int64(12), "color": "red"}, req.Args); diff != "" {
			t.Errorf("args (-want +got):\n%s", diff)
		}
	})
	t.Run("OKTextKeptRaw", func(t *testing.T) {
		rec := &recorder{}
		r := MustTestRouter(t, rec.handle)
		r.DispatchValues(ctx, testActor, testChannel, "say", map[string]string{"text": " two\nlines ", "to": "slack:#a, slack:#a"})
		want := commands.Args{"text": " two\nlines ", "to": []herald.Target{{Kind: "slack", Name: "#a"}}}
		if len(rec.reqs) != 1 {
			t.Fatalf("handler ran %d times; want 1", len(rec.reqs))
		}
		if diff := cmp.Diff(want, rec.reqs[0].Args); diff != "" {
			t.Errorf("args (-want +got):\n%s", diff)
		}
	})
	// Each error case pairs values with the text line that must give the
	// same message.
	tests := []struct {
		name   string
		path   string
		values map[string]string
		line   string
	}{
		{name: "ErrID", path: "pick", values: map[string]string{"id": "abc", "color": "red"}, line: "pick abc red"},
		{name: "ErrIDZero", path: "pick", values: map[string]string{"id": "0", "color": "red"}, line: "pick 0 red"},
		{name: "ErrMissing", path: "pick", values: map[string]string{"color": "red"}, line: "pick"},
		{name: "ErrBlank", path: "pick", values: map[string]string{"id": "  ", "color": "red"}, line: `pick "  " red`},
		{name: "ErrChoice", path: "pick", values: map[string]string{"id": "1", "color": "pink"}, line: "pick 1 pink"},
		{name: "ErrUser", path: "greet", values: map[string]string{"user": "sam"}, line: "greet sam"},
		{name: "ErrRole", path: "greet", values: map[string]string{"user": "@sam", "role": "boss"}, line: "greet @sam boss"},
		{name: "ErrTargets", path: "say", values: map[string]string{"to": "nowhere"}, line: "say --to nowhere"},
		{name: "ErrRequiredText", path: "brand add", values: map[string]string{"name": "\n"}, line: "brand add"},
		{name: "ErrUnknownParam", path: "pick", values: map[string]string{"id": "1", "color": "red", "size": "xl"}},
		{name: "ErrUnknownPath", path: "nope", values: map[string]string{}},
		{name: "ErrGroupPath", path: "brand", values: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			r := MustTestRouter(t, rec.handle)
			resp := r.DispatchValues(ctx, testActor, testChannel, tt.path, tt.values)
			if resp.ErrCode != herald.EINVALID || !resp.Ephemeral || resp.Text == "" {
				t.Errorf("response = %+v; want an ephemeral %s error", resp, herald.EINVALID)
			}
			if len(rec.reqs) != 0 {
				t.Errorf("handler ran on invalid values")
			}
			if tt.line != "" {
				if want := MustParseErr(t, r, tt.line); resp.Text != want {
					t.Errorf("DispatchValues says %q; text input says %q", resp.Text, want)
				}
			}
		})
	}
}

// bufLogger returns a logger writing JSON at every level into a buffer.
func bufLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func TestRecover(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		panic any
	}{
		{name: "OKString", panic: "secret-panic-value"},
		{name: "OKError", panic: errors.New("secret-panic-value")},
		{name: "OKNilMap", panic: nil}, // replaced below by a real runtime panic
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, buf := bufLogger()
			h := func(context.Context, *commands.Request) (commands.Response, error) {
				if tt.panic == nil {
					var m map[string]int
					m["secret-panic-value"] = 1
				}
				panic(tt.panic)
			}
			r := MustTestRouter(t, h, commands.Recover(log))
			resp := r.Dispatch(ctx, commands.Call{Actor: testActor, Channel: testChannel, Text: "say hi"})
			if resp.ErrCode != herald.EINTERNAL || !resp.Ephemeral {
				t.Errorf("response = %+v; want an ephemeral %s error", resp, herald.EINTERNAL)
			}
			if resp.Text != herald.ErrorMessage(herald.Internal(nil)) {
				t.Errorf("text = %q; want the generic internal message", resp.Text)
			}
			if strings.Contains(resp.Text, "secret") || strings.Contains(resp.Text, "panic") {
				t.Errorf("text %q leaks the panic", resp.Text)
			}
			if !strings.Contains(buf.String(), "command panicked") || !strings.Contains(buf.String(), `"command":"say"`) {
				t.Errorf("log %q does not record the panic and its command", buf.String())
			}
		})
	}
	t.Run("OKNoPanic", func(t *testing.T) {
		log, buf := bufLogger()
		r := MustTestRouter(t, nil, commands.Recover(log))
		if resp := r.Dispatch(ctx, commands.Call{Actor: testActor, Text: "say hi"}); resp.Text != "ok" || resp.ErrCode != "" {
			t.Errorf("response = %+v; want the handler's", resp)
		}
		if buf.Len() != 0 {
			t.Errorf("Recover logged %q without a panic", buf.String())
		}
	})
}

func TestLog(t *testing.T) {
	ctx := context.Background()
	const secret = "top-secret launch plan"
	tests := []struct {
		name  string
		err   error
		level string
		code  string
	}{
		{name: "OK", level: "DEBUG"},
		{name: "OKRefused", err: herald.Errorf(herald.EFORBIDDEN, "You may not."), level: "INFO", code: herald.EFORBIDDEN},
		{name: "OKInternal", err: herald.Internal(errors.New("db is down")), level: "ERROR", code: herald.EINTERNAL},
		{name: "OKUnavailable", err: herald.Errorf(herald.EUNAVAILABLE, "The LLM is down."), level: "ERROR", code: herald.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, buf := bufLogger()
			rec := &recorder{resp: commands.Response{Text: "Draft: " + secret}, err: tt.err}
			r := MustTestRouter(t, rec.handle, commands.Log(log))
			r.Dispatch(ctx, commands.Call{Actor: testActor, Channel: testChannel, Text: `say "` + secret + `" --note ` + "hushhush"})
			out := buf.String()
			for _, s := range []string{"top-secret", "launch plan", "hushhush"} {
				if strings.Contains(out, s) {
					t.Errorf("log contains message text %q:\n%s", s, out)
				}
			}
			for _, s := range []string{`"level":"` + tt.level + `"`, `"command":"say"`, `"platform":"slack"`, `"user_id":"U1"`, `"duration_ms":`} {
				if !strings.Contains(out, s) {
					t.Errorf("log lacks %s:\n%s", s, out)
				}
			}
			if tt.code != "" && !strings.Contains(out, `"code":"`+tt.code+`"`) {
				t.Errorf("log lacks the code %q:\n%s", tt.code, out)
			}
			if tt.code == herald.EINTERNAL && !strings.Contains(out, "db is down") {
				t.Errorf("log lacks the internal cause:\n%s", out)
			}
		})
	}
}

// fakeMembership answers IsMember from a set of user ids.
type fakeMembership struct {
	members map[string]bool
	err     error
	asked   []herald.Actor
}

func (m *fakeMembership) IsMember(_ context.Context, a herald.Actor) (bool, error) {
	m.asked = append(m.asked, a)
	return m.members[a.UserID], m.err
}

func TestRequireMember(t *testing.T) {
	ctx := context.Background()
	stranger := herald.Actor{Platform: "slack", UserID: "U9", Name: "zoe"}
	tests := []struct {
		name    string
		actor   herald.Actor
		line    string
		err     error
		ran     bool
		code    string
		msgHas  string
		noAsked bool
	}{
		{name: "OKMember", actor: testActor, line: "say hi", ran: true},
		{name: "OKOpenForStranger", actor: stranger, line: "brand add Acme", ran: true, noAsked: true},
		{name: "OKOpenHelpForAnonymous", actor: herald.Actor{Platform: "slack"}, line: "help", ran: true, noAsked: true},
		{name: "ErrStranger", actor: stranger, line: "say hi", code: herald.EFORBIDDEN, msgHas: "You do not belong to any brand yet"},
		{name: "ErrAnonymous", actor: herald.Actor{Platform: "slack"}, line: "say hi", code: herald.EFORBIDDEN, msgHas: "could not tell who you are", noAsked: true},
		{name: "ErrMembership", actor: testActor, line: "say hi", err: errors.New("db password=hunter2"), code: herald.EINTERNAL, msgHas: "Something went wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &fakeMembership{members: map[string]bool{"U1": true}, err: tt.err}
			rec := &recorder{resp: commands.Response{Text: "ran"}}
			r := MustTestRouter(t, rec.handle, commands.RequireMember(m))
			resp := r.Dispatch(ctx, commands.Call{Actor: tt.actor, Channel: testChannel, Text: tt.line})
			if ran := len(rec.reqs) == 1; ran != tt.ran {
				t.Errorf("handler ran = %v; want %v (response %+v)", ran, tt.ran, resp)
			}
			if resp.ErrCode != tt.code {
				t.Errorf("code = %q; want %q", resp.ErrCode, tt.code)
			}
			if !strings.Contains(resp.Text, tt.msgHas) {
				t.Errorf("text = %q; want it to contain %q", resp.Text, tt.msgHas)
			}
			if strings.Contains(resp.Text, "hunter2") {
				t.Errorf("text %q leaks the cause", resp.Text)
			}
			if tt.noAsked && len(m.asked) > 0 {
				t.Errorf("membership was asked for %v", m.asked)
			}
		})
	}
}

func TestObserve(t *testing.T) {
	ctx := context.Background()
	type obs struct{ command, code string }
	var got []obs
	observe := commands.Observe(func(command, code string, d time.Duration) {
		if d < 0 {
			t.Errorf("negative duration %v", d)
		}
		got = append(got, obs{command, code})
	})
	h := func(_ context.Context, r *commands.Request) (commands.Response, error) {
		switch r.Def.Path {
		case "pick":
			return commands.Response{}, herald.Errorf(herald.ENOTFOUND, "No draft #%d.", r.Args.Int("id"))
		case "count":
			return commands.Response{}, errors.New("boom")
		}
		return commands.Response{Text: "ok"}, nil
	}
	r := MustTestRouter(t, h, observe)
	for _, line := range []string{"say hi", "brand add Acme", "pick 3 red", "count 1", "pick 0 red"} {
		r.Dispatch(ctx, commands.Call{Actor: testActor, Text: line})
	}
	want := []obs{{"say", ""}, {"brand add", ""}, {"pick", herald.ENOTFOUND}, {"count", herald.EINTERNAL}, {commands.Unparsed, herald.EINVALID}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(obs{})); diff != "" {
		t.Errorf("observations (-want +got); a parse error is counted as %s:\n%s", commands.Unparsed, diff)
	}
}

func TestMiddlewareOrder(t *testing.T) {
	var events []string
	mw := func(name string) commands.Middleware {
		return func(next commands.Handler) commands.Handler {
			return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
				events = append(events, name+">")
				resp, err := next(ctx, r)
				events = append(events, "<"+name)
				return resp, err
			}
		}
	}
	h := func(context.Context, *commands.Request) (commands.Response, error) {
		events = append(events, "handler")
		return commands.Response{Text: "ok"}, nil
	}
	r := MustTestRouter(t, h, mw("first"), mw("second"), mw("third"))
	t.Run("OK", func(t *testing.T) {
		events = nil
		r.Dispatch(context.Background(), commands.Call{Actor: testActor, Text: "say hi"})
		want := []string{"first>", "second>", "third>", "handler", "<third", "<second", "<first"}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
	t.Run("OKRecoverOutermostCatchesMiddlewarePanic", func(t *testing.T) {
		boom := func(commands.Handler) commands.Handler {
			return func(context.Context, *commands.Request) (commands.Response, error) { panic("inner middleware") }
		}
		log, _ := bufLogger()
		r := MustTestRouter(t, nil, commands.Recover(log), boom)
		if resp := r.Dispatch(context.Background(), commands.Call{Actor: testActor, Text: "say hi"}); resp.ErrCode != herald.EINTERNAL {
			t.Errorf("response = %+v; want %s", resp, herald.EINTERNAL)
		}
	})
}

func TestDispatch(t *testing.T) {
	generic := herald.ErrorMessage(herald.Internal(nil))
	tests := []struct {
		name string
		line string
		resp commands.Response
		err  error
		want commands.Response
	}{
		{name: "OK", line: "say hi", resp: commands.Response{Text: "Said.", Cards: []commands.Card{{Title: "c"}}},
			want: commands.Response{Text: "Said.", Cards: []commands.Card{{Title: "c"}}}},
		{name: "ErrParse", line: "pick abc red",
			want: commands.Response{Text: `ID must be a draft id such as 12, not "abc".`, Ephemeral: true, ErrCode: herald.EINVALID}},
		{name: "ErrNotFound", line: "say hi", err: herald.Errorf(herald.ENOTFOUND, "There is no draft #12."),
			want: commands.Response{Text: "There is no draft #12.", Ephemeral: true, ErrCode: herald.ENOTFOUND}},
		{name: "ErrWrapped", line: "say hi", err: fmt.Errorf("store: %w", herald.Errorf(herald.ECONFLICT, "Draft #12 changed; look again.")),
			want: commands.Response{Text: "Draft #12 changed; look again.", Ephemeral: true, ErrCode: herald.ECONFLICT}},
		{name: "ErrCauseHidden", line: "say hi", err: &herald.Error{Code: herald.EFORBIDDEN, Message: "Only admins can.", Err: errors.New("hunter2")},
			want: commands.Response{Text: "Only admins can.", Ephemeral: true, ErrCode: herald.EFORBIDDEN}},
		{name: "ErrPlain", line: "say hi", err: errors.New("pq: password hunter2 refused"),
			want: commands.Response{Text: generic, Ephemeral: true, ErrCode: herald.EINTERNAL}},
		{name: "ErrInternal", line: "say hi", err: herald.Internal(errors.New("hunter2")),
			want: commands.Response{Text: generic, Ephemeral: true, ErrCode: herald.EINTERNAL}},
		{name: "ErrInternalWithMessage", line: "say hi", err: &herald.Error{Code: herald.EINTERNAL, Message: "row hunter2 broke"},
			want: commands.Response{Text: generic, Ephemeral: true, ErrCode: herald.EINTERNAL}},
		{name: "ErrHandlerResponseDropped", line: "say hi", resp: commands.Response{Text: "hunter2"}, err: herald.Errorf(herald.EINVALID, "No."),
			want: commands.Response{Text: "No.", Ephemeral: true, ErrCode: herald.EINVALID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{resp: tt.resp, err: tt.err}
			r := MustTestRouter(t, rec.handle)
			got := r.Dispatch(context.Background(), commands.Call{Actor: testActor, Channel: testChannel, Text: tt.line})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Dispatch(%q) (-want +got):\n%s", tt.line, diff)
			}
			if strings.Contains(got.Text, "hunter2") || strings.Contains(got.Text, "\n") {
				t.Errorf("text %q leaks a cause or is not one sentence", got.Text)
			}
		})
	}
	t.Run("OKRequestFields", func(t *testing.T) {
		rec := &recorder{}
		r := MustTestRouter(t, rec.handle)
		r.Dispatch(context.Background(), commands.Call{Actor: testActor, Channel: testChannel, Text: "/herald approve #4 fine --rev 2"})
		if len(rec.reqs) != 1 {
			t.Fatalf("handler ran %d times", len(rec.reqs))
		}
		req := rec.reqs[0]
		if !cmp.Equal(req.Actor, testActor) || req.Channel != testChannel || req.Def.Path != "approve" {
			t.Errorf("request = %+v", req)
		}
		if diff := cmp.Diff(commands.Args{"id": int64(4), "comment": "fine", "rev": int64(2)}, req.Args); diff != "" {
			t.Errorf("args (-want +got):\n%s", diff)
		}
	})
}

func TestRegister(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := MustTestRouter(t, nil)
		var paths []string
		for _, d := range r.Defs() {
			paths = append(paths, d.Path)
		}
		want := []string{"help", "say", "word", "pick", "greet", "count", "approve", "brand add", "brand list"}
		if diff := cmp.Diff(want, paths); diff != "" {
			t.Errorf("Defs() in registration order (-want +got):\n%s", diff)
		}
		if !r.Has("brand add") || r.Has("brand") || r.Has("nope") {
			t.Errorf("Has gives wrong answers")
		}
		if d, ok := r.Def("pick"); !ok || d.Path != "pick" {
			t.Errorf("Def(pick) = %v, %v", d, ok)
		}
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		defer func() {
			if p := recover(); p == nil {
				t.Errorf("Register did not panic on a duplicate path")
			}
		}()
		r := MustTestRouter(t, nil)
		r.Register(&commands.Def{Path: "say"})
	})
}

func TestOverview(t *testing.T) {
	r := MustRealRouter(t)
	got := r.Overview(i18n.English)
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[0], "Herald commands") {
		t.Errorf("first line = %q; want a heading", lines[0])
	}
	for _, d := range r.Defs() {
		found := false
		for i, l := range lines[1:] {
			// A long usage line puts its summary on the next line.
			if strings.Contains(l, d.Usage()) && (strings.Contains(l, d.Summary) || strings.Contains(lines[i+2], d.Summary)) {
				found = true
			}
		}
		if !found {
			t.Errorf("overview lacks %q with its summary:\n%s", d.Usage(), got)
		}
	}
	for _, path := range []string{"help", "brand add", "brand list", "brand use", "role", "policy", "draft", "drafts", "show", "edit", "submit", "approve", "changes", "reject", "audit"} {
		if !r.Has(path) {
			t.Errorf("the real command set lacks %q", path)
		}
	}
}

func TestExplain(t *testing.T) {
	r := MustRealRouter(t)
	approve, ok := r.Def("approve")
	if !ok {
		t.Fatal("no approve command")
	}
	want := strings.Join([]string{
		"approve ID [COMMENT ...] [--rev N]",
		"  " + approve.Summary,
		"  ID                     the draft's number, e.g. 12",
		"  COMMENT                an optional comment",
		"  --rev N                the revision you reviewed; refused if the draft changed since",
		"Examples:",
		"  /herald approve 12",
		`  /herald approve 12 "great, ship it"`,
	}, "\n")
	if diff := cmp.Diff(want, commands.Explain(approve, i18n.English)); diff != "" {
		t.Errorf("Explain(approve) (-want +got):\n%s", diff)
	}
	t.Run("OKNoHelpNoExamples", func(t *testing.T) {
		d := &commands.Def{Path: "x", Summary: "Does x.", Params: []commands.Param{{Name: "a", Kind: commands.String}}}
		if got, want := commands.Explain(d, i18n.English), "x [A]\n  Does x."; got != want {
			t.Errorf("Explain = %q; want %q", got, want)
		}
	})
}

// TestHelpCommand runs the help command of the real set: it is Open and
// never reaches the domain.
func TestHelpCommand(t *testing.T) {
	r := MustRealRouter(t)
	explain := func(path string) string {
		d, ok := r.Def(path)
		if !ok {
			t.Fatalf("no %q command", path)
		}
		return commands.Explain(d, i18n.English)
	}
	tests := []struct {
		name string
		line string
		want commands.Response
	}{
		{name: "OK", line: "help", want: commands.Response{Text: r.Overview(i18n.English), Ephemeral: true}},
		{name: "OKEmptyLine", line: "", want: commands.Response{Text: r.Overview(i18n.English), Ephemeral: true}},
		{name: "OKCommand", line: "/herald help approve", want: commands.Response{Text: explain("approve"), Ephemeral: true}},
		{name: "OKCommandUpper", line: "help  Brand   ADD", want: commands.Response{Text: explain("brand add"), Ephemeral: true}},
		{name: "OKCommandWithPrefix", line: "help /herald show", want: commands.Response{Text: explain("show"), Ephemeral: true}},
		{name: "OKGroup", line: "help brand", want: commands.Response{
			Text: explain("brand add") + "\n\n" + explain("brand list") + "\n\n" + explain("brand use") + "\n\n" + explain("brand lang") + "\n\n" + explain("brand zone"), Ephemeral: true}},
		{name: "ErrUnknown", line: "help nope", want: commands.Response{
			Text: `There is no command "nope". ` + "`help` lists every command.", Ephemeral: true, ErrCode: herald.EINVALID}},
		{name: "ErrTypo", line: "help aprove", want: commands.Response{
			Text: `There is no command "aprove". Did you mean ` + "`approve`? `help` lists every command.", Ephemeral: true, ErrCode: herald.EINVALID}},
		{name: "ErrTypoSub", line: "help brand ad", want: commands.Response{
			Text: `There is no command "brand ad". Did you mean ` + "`brand add`? `help` lists every command.", Ephemeral: true, ErrCode: herald.EINVALID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Dispatch(context.Background(), commands.Call{Actor: testActor, Channel: testChannel, Text: tt.line})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Dispatch(%q) (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestFormLine(t *testing.T) {
	r := MustRealRouter(t)
	hostile := "He said \"no\\\" —today\nline two « ok » “quoted”"
	fields := []commands.FormField{{Name: "text"}, {Name: "to", Flag: true}, {Name: "at", Flag: true}}
	line := commands.FormLine("draft", fields, map[string]string{"text": hostile, "to": "slack:#news", "at": "tomorrow 9:00"})
	d, args, err := r.Parse(testActor, line)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	if d.Path != "draft" || args.Str("text") != hostile || args.Str("at") != "tomorrow 9:00" || len(args.Targets("to")) != 1 {
		t.Errorf("FormLine round trip: %s %#v", d.Path, args)
	}
	btn := commands.Button{Command: "changes 12 --rev 3", Input: "comment"}
	d, args, err = r.Parse(testActor, commands.ButtonLine(btn, hostile))
	if err != nil || d.Path != "changes" || args.Str("comment") != hostile || args.Int("rev") != 3 {
		t.Errorf("ButtonLine round trip: %v %#v", err, args)
	}
}
