package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/internal/textdist"
)

// Middleware wraps a handler with a cross-cutting concern.
type Middleware func(Handler) Handler

// Router holds the command definitions and runs them through middleware.
type Router struct {
	defs   []*Def
	byPath map[string]*Def
	groups map[string][]string // "brand" → ["add", "list", "use"]
	chain  []Middleware
	// wording is what a user is told of a handler's error, in their
	// language; nil means herald.ErrorMessage. handlers.New sets
	// kit.ErrorText (kit/hints.go).
	wording func(i18n.Lang, error) string
	// language is the language of a person who did not say theirs (the
	// brand's of the channel); nil means English. handlers.New sets it.
	language func(ctx context.Context, a herald.Actor, ch herald.ChannelRef) i18n.Lang
}

// NewRouter returns an empty router whose handlers run inside mw, the
// first being the outermost.
func NewRouter(mw ...Middleware) *Router {
	return &Router{byPath: map[string]*Def{}, groups: map[string][]string{}, chain: mw}
}

// Register adds definitions. It panics on a duplicate path: definitions are
// static, so that is a programming error.
func (r *Router) Register(defs ...*Def) {
	for _, d := range defs {
		if _, dup := r.byPath[d.Path]; dup {
			panic("commands: duplicate definition " + d.Path)
		}
		r.byPath[d.Path] = d
		r.defs = append(r.defs, d)
		if group, sub, ok := strings.Cut(d.Path, " "); ok {
			r.groups[group] = append(r.groups[group], sub)
		}
	}
}

// Defs returns the definitions in registration order.
func (r *Router) Defs() []*Def { return r.defs }

// Has reports whether a command path is registered.
func (r *Router) Has(path string) bool { _, ok := r.byPath[path]; return ok }

// Def returns the definition at path.
func (r *Router) Def(path string) (*Def, bool) { d, ok := r.byPath[path]; return d, ok }

// Offer returns c with only the buttons whose command line names a
// command of r: a card lists every action its view allows, and each
// router offers those it can run (a setup without publishing shows no
// Publish button).
func (r *Router) Offer(c Card) Card {
	c.Buttons = r.offered(c.Buttons)
	return c
}

// offered keeps the buttons whose command r has, and link buttons; nil
// when none.
func (r *Router) offered(bs []Button) []Button {
	var out []Button
	for _, b := range bs {
		if b.URL != "" { // a link: nothing to run
			out = append(out, b)
			continue
		}
		toks, err := tokenize(b.Command)
		if err != nil || len(toks) == 0 {
			continue
		}
		if _, _, err := r.match(i18n.English, toks); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// Call is one command as typed (or clicked) by a user.
type Call struct {
	Actor   herald.Actor
	Channel herald.ChannelRef
	Text    string // "/herald draft hello", "draft hello" or a button's command
	// Markup, when set, decodes the platform's markup in every value
	// read from Text (Slack's escaped text); nil reads Text as it is.
	Markup Markup
	// Files came with the command (Slack uploads, Discord attachments).
	Files []File
}

// Parse reads a command line into its definition and typed arguments; its
// errors speak the actor's language (English when unknown).
func (r *Router) Parse(actor herald.Actor, line string) (*Def, Args, error) {
	return r.parse(i18n.Lang(actor.Lang), actor, line, nil)
}

// parse is Parse, decoding each value with mk when it is set; errors are
// worded in l.
func (r *Router) parse(l i18n.Lang, actor herald.Actor, line string, mk Markup) (*Def, Args, error) {
	if len(line) > MaxInput {
		return nil, nil, invalid(l.F("That command is %d bytes long; the limit is %d.", len(line), MaxInput))
	}
	toks, err := tokenizeMarkup(l, line, mk != nil)
	if err != nil {
		return nil, nil, err
	}
	if len(toks) > 0 && !toks[0].quoted && (toks[0].val == "/herald" || strings.EqualFold(toks[0].val, "herald")) {
		toks = toks[1:]
	}
	if len(toks) == 0 {
		if help, ok := r.byPath["help"]; ok {
			return help, Args{}, nil
		}
		return nil, nil, invalid(l.T("Type a command."))
	}
	d, rest, err := r.match(l, toks)
	if err != nil {
		return nil, nil, err
	}
	raw, err := bindText(l, d, line, rest)
	if err != nil {
		return nil, nil, err
	}
	decodeRaw(d, raw, mk)
	args, err := bind(l, d, actor, raw)
	return d, args, err
}

// match finds the longest command path that the first tokens spell.
func (r *Router) match(l i18n.Lang, toks []token) (*Def, []token, error) {
	first := strings.ToLower(toks[0].val)
	if len(toks) > 1 {
		if d, ok := r.byPath[first+" "+strings.ToLower(toks[1].val)]; ok && !toks[0].quoted {
			return d, toks[2:], nil
		}
	}
	if d, ok := r.byPath[first]; ok && !toks[0].quoted {
		return d, toks[1:], nil
	}
	if subs, ok := r.groups[first]; ok && !toks[0].quoted {
		return nil, nil, r.needsSub(l, first, subs, toks[1:])
	}
	typed := toks[0].val
	if len(toks) > 1 {
		// "bran add" is brand add: the second word helps choose.
		if near := r.nearest(strings.ToLower(typed + " " + toks[1].val)); near != "" {
			return nil, nil, r.unknownWith(l, typed, near)
		}
	}
	return nil, nil, r.unknown(l, typed)
}

// needsSub refuses a group name without one of its subcommands, with the
// one meant when the next word is a slip for it ("brand ad" → brand add).
func (r *Router) needsSub(l i18n.Lang, group string, subs []string, rest []token) error {
	example, near := subs[0], ""
	if len(rest) > 0 {
		word := strings.ToLower(rest[0].val)
		if sub, ok := textdist.Nearest(word, subs, min(textdist.Budget(word), 2)); ok {
			example, near = sub, group+" "+sub
		}
	}
	msg := l.F("`%s` needs one of: %s (e.g. `%s %s`).", group, strings.Join(subs, ", "), group, example)
	if near != "" {
		msg += " " + l.F("Did you mean `%s`?", near)
	}
	return invalid(msg)
}

// unknown refuses a command name that r does not have, suggesting the
// nearest one.
func (r *Router) unknown(l i18n.Lang, name string) error {
	return r.unknownWith(l, name, r.nearest(strings.ToLower(name)))
}

// unknownWith refuses name, suggesting near when it is not empty.
func (r *Router) unknownWith(l i18n.Lang, name, near string) error {
	msg := l.F("There is no command %q.", name)
	if near != "" {
		msg += " " + l.F("Did you mean `%s`?", near)
	}
	return invalid(msg + " " + l.T("`help` lists every command."))
}

// nearest returns the command closest to what was typed, if close enough:
// a command name for one word ("drafs" → drafts), a whole path for two
// ("brand ad" → brand add). On equal distance the one the typed word is a
// shortening of wins, then the closest in length.
func (r *Router) nearest(typed string) string {
	var names []string
	seen := map[string]bool{}
	twoWords := strings.Contains(typed, " ")
	for _, d := range r.defs {
		name := d.Path
		if !twoWords {
			name, _, _ = strings.Cut(d.Path, " ")
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	best, _ := textdist.Nearest(typed, names, min(textdist.Budget(typed), 2))
	return best
}

// Dispatch parses and runs a typed or clicked command. It never fails:
// errors become a one-sentence ephemeral response.
func (r *Router) Dispatch(ctx context.Context, c Call) Response {
	l := r.Lang(ctx, c.Actor, c.Channel)
	d, args, err := r.parse(l, c.Actor, c.Text, c.Markup)
	if err != nil {
		return r.refuse(ctx, l, c.Actor, c.Channel, err)
	}
	return r.Run(ctx, &Request{Actor: c.Actor, Channel: c.Channel, Def: d, Args: args, Files: c.Files, Lang: l})
}

// SetLanguage makes f the language of people who did not say theirs
// (Actor.Lang is ""): handlers.New gives the brand's of the channel.
func (r *Router) SetLanguage(f func(ctx context.Context, a herald.Actor, ch herald.ChannelRef) i18n.Lang) {
	r.language = f
}

// Lang is the language a person reads, in a channel: their own
// (Actor.Lang), else what SetLanguage's function says, else English.
func (r *Router) Lang(ctx context.Context, a herald.Actor, ch herald.ChannelRef) i18n.Lang {
	if l, ok := i18n.Parse(a.Lang); ok {
		return l
	}
	if r.language != nil {
		return r.language(ctx, a, ch)
	}
	return i18n.English
}

// Unparsed is the command path under which input that does not parse is
// logged and counted.
const Unparsed = "(unparsed)"

// refuse answers input that did not parse, through the middleware so that
// it is logged and counted like any command.
func (r *Router) refuse(ctx context.Context, l i18n.Lang, actor herald.Actor, ch herald.ChannelRef, err error) Response {
	d := &Def{Path: Unparsed, Open: true, Handler: func(context.Context, *Request) (Response, error) { return Response{}, err }}
	return r.Run(ctx, &Request{Actor: actor, Channel: ch, Def: d, Args: Args{}, Lang: l})
}

// DispatchValues runs a command whose parameters arrive already separated
// (Discord options, form fields), checking them as text input is checked.
func (r *Router) DispatchValues(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, path string, values map[string]string) Response {
	l := r.Lang(ctx, actor, ch)
	d, ok := r.byPath[path]
	if !ok {
		return r.refuse(ctx, l, actor, ch, r.unknown(l, path))
	}
	args, err := bind(l, d, actor, values)
	if err != nil {
		return r.refuse(ctx, l, actor, ch, err)
	}
	return r.Run(ctx, &Request{Actor: actor, Channel: ch, Def: d, Args: args, Lang: l})
}

// Run runs a parsed request through the middleware chain. The response
// speaks the request's language (Response.Lang, for the adapter's own
// words around it).
func (r *Router) Run(ctx context.Context, req *Request) Response {
	if req.Lang == "" {
		req.Lang = r.Lang(ctx, req.Actor, req.Channel)
	}
	h := req.Def.Handler
	for i := len(r.chain) - 1; i >= 0; i-- {
		h = r.chain[i](h)
	}
	resp, err := h(ctx, req)
	if err != nil {
		resp = errorResponse(herald.ErrorCode(err), r.errorText(req.Lang, err))
	}
	if resp.Lang == "" && req.Lang != i18n.English { // "" is English
		resp.Lang = req.Lang
	}
	return resp
}

// SetWording makes f what a user is told of a handler's error, in their
// language, e.g. kit.ErrorText.
func (r *Router) SetWording(f func(i18n.Lang, error) string) { r.wording = f }

func (r *Router) errorText(l i18n.Lang, err error) string {
	if r.wording != nil {
		return r.wording(l, err)
	}
	return herald.ErrorMessage(err)
}

// Recover turns a panic in a handler into an internal error.
func Recover(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (resp Response, err error) {
			defer func() {
				if p := recover(); p != nil {
					log.ErrorContext(ctx, "command panicked", "command", r.Def.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					err = herald.Internal(fmt.Errorf("panic: %v", p))
				}
			}()
			return next(ctx, r)
		}
	}
}

// Log records each command with its outcome and duration; internal errors
// are logged with their cause. Message bodies are never logged.
func Log(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (Response, error) {
			start := time.Now()
			resp, err := next(ctx, r)
			attrs := []any{"command", r.Def.Path, "platform", r.Actor.Platform, "user_id", r.Actor.UserID, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
			switch code := herald.ErrorCode(err); code {
			case "":
				log.DebugContext(ctx, "command", attrs...)
			case herald.EINTERNAL, herald.EUNAVAILABLE:
				log.ErrorContext(ctx, "command failed", append(attrs, "code", code, "error", err.Error())...)
			default:
				log.InfoContext(ctx, "command refused", append(attrs, "code", code)...)
			}
			return resp, err
		}
	}
}

// Observe reports each command's path, error code ("" on success) and
// duration to f, e.g. for Prometheus.
func Observe(f func(command, code string, d time.Duration)) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (Response, error) {
			start := time.Now()
			resp, err := next(ctx, r)
			f(r.Def.Path, herald.ErrorCode(err), time.Since(start))
			return resp, err
		}
	}
}

// Membership answers whether an actor belongs to any brand.
type Membership interface {
	IsMember(ctx context.Context, a herald.Actor) (bool, error)
}

// RequireMember refuses every command not marked Open to people who belong
// to no brand, telling them how to get in. Finer checks (which role, which
// brand, which stage) are the domain's.
func RequireMember(m Membership) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (Response, error) {
			if r.Def.Open {
				return next(ctx, r)
			}
			if r.Actor.UserID == "" {
				return Response{}, &herald.Error{Code: herald.EFORBIDDEN, Message: r.Lang.T("Herald could not tell who you are; try again from your own account.")}
			}
			ok, err := m.IsMember(ctx, r.Actor)
			if err != nil {
				return Response{}, err
			}
			if !ok {
				return Response{}, &herald.Error{Code: herald.EFORBIDDEN, Message: r.Lang.T("You do not belong to any brand yet: ask a brand's admin to run `role @you editor`, or create a brand with `brand add NAME`.")}
			}
			return next(ctx, r)
		}
	}
}
