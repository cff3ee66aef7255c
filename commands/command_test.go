package commands_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
)

// testActor is who types the commands of these tests.
var testActor = herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"}

// testDefs are small definitions that exercise every parameter kind. Each
// runs h.
func testDefs(h commands.Handler) []*commands.Def {
	return []*commands.Def{
		{Path: "help", Summary: "Help.", Params: []commands.Param{{Name: "command", Kind: commands.Text}}, Open: true, Handler: h},
		{
			Path:    "say",
			Summary: "Say something.",
			Params: []commands.Param{
				{Name: "text", Kind: commands.Text, Help: "what to say"},
				{Name: "to", Kind: commands.Targets, Flag: true, Help: "where"},
				{Name: "at", Kind: commands.When, Flag: true},
				{Name: "note", Kind: commands.String, Flag: true},
			},
			Handler: h,
		},
		{
			Path:    "word",
			Summary: "One or two words.",
			Params: []commands.Param{
				{Name: "w", Kind: commands.String, Required: true},
				{Name: "second", Kind: commands.String},
			},
			Handler: h,
		},
		{
			Path:    "pick",
			Summary: "Pick a colour for a draft.",
			Params: []commands.Param{
				{Name: "id", Kind: commands.ID, Required: true, Help: "the draft"},
				{Name: "color", Kind: commands.Choice, Required: true, Choices: []string{"red", "green", "blue"}},
			},
			Handler: h,
		},
		{
			Path:    "greet",
			Summary: "Greet someone.",
			Params: []commands.Param{
				{Name: "user", Kind: commands.User, Required: true},
				{Name: "role", Kind: commands.RoleArg},
			},
			Handler: h,
		},
		{Path: "count", Summary: "Count.", Params: []commands.Param{{Name: "n", Kind: commands.Int, Required: true}}, Handler: h},
		{
			Path:    "approve",
			Summary: "Approve.",
			Params: []commands.Param{
				{Name: "id", Kind: commands.ID, Required: true},
				{Name: "comment", Kind: commands.Text},
				{Name: "rev", Kind: commands.Int, Flag: true},
			},
			Handler: h,
		},
		{Path: "brand add", Summary: "Add a brand.", Params: []commands.Param{{Name: "name", Kind: commands.Text, Required: true}}, Open: true, Handler: h},
		{Path: "brand list", Summary: "List brands.", Open: true, Handler: h},
	}
}

// okHandler answers "ok".
func okHandler(context.Context, *commands.Request) (commands.Response, error) {
	return commands.Response{Text: "ok"}, nil
}

// MustTestRouter returns a router with testDefs running h (okHandler when
// nil) behind mw.
func MustTestRouter(tb testing.TB, h commands.Handler, mw ...commands.Middleware) *commands.Router {
	tb.Helper()
	if h == nil {
		h = okHandler
	}
	r := commands.NewRouter(mw...)
	r.Register(testDefs(h)...)
	return r
}

// MustParse parses line as testActor and fails the test on an error.
func MustParse(tb testing.TB, r *commands.Router, line string) (*commands.Def, commands.Args) {
	tb.Helper()
	d, args, err := r.Parse(testActor, line)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", line, err)
	}
	if d == nil {
		tb.Fatalf("Parse(%q) returned no definition", line)
	}
	return d, args
}

// MustParseErr parses line, expects an EINVALID *herald.Error and returns
// its message.
func MustParseErr(tb testing.TB, r *commands.Router, line string) string {
	tb.Helper()
	d, args, err := r.Parse(testActor, line)
	if err == nil {
		tb.Fatalf("Parse(%q) = %v, %v; want an error", line, defPath(d), args)
	}
	checkInvalid(tb, err)
	return herald.ErrorMessage(err)
}

// checkInvalid fails unless err is a *herald.Error coded EINVALID with a
// message.
func checkInvalid(tb testing.TB, err error) {
	tb.Helper()
	var he *herald.Error
	if !errors.As(err, &he) {
		tb.Fatalf("error %v (%T) is not a *herald.Error", err, err)
	}
	if code := herald.ErrorCode(err); code != herald.EINVALID {
		tb.Fatalf("error %q has code %q; want %q", err, code, herald.EINVALID)
	}
	if he.Message == "" {
		tb.Fatalf("error %v has no message", err)
	}
}

func defPath(d *commands.Def) string {
	if d == nil {
		return "<nil>"
	}
	return d.Path
}

// parseCase is one line for a table of Parse tests: on success, want
// holds the path and args; otherwise errHas lists substrings of the
// message.
type parseCase struct {
	name   string
	line   string
	path   string
	want   commands.Args
	errHas []string
}

func runParseCases(t *testing.T, r *commands.Router, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.errHas != nil {
				msg := MustParseErr(t, r, tt.line)
				for _, s := range tt.errHas {
					if !strings.Contains(msg, s) {
						t.Errorf("Parse(%q) error %q does not mention %q", tt.line, msg, s)
					}
				}
				return
			}
			d, args := MustParse(t, r, tt.line)
			if d.Path != tt.path {
				t.Errorf("Parse(%q) path = %q; want %q", tt.line, d.Path, tt.path)
			}
			want := tt.want
			if want == nil {
				want = commands.Args{}
			}
			if diff := cmp.Diff(want, args); diff != "" {
				t.Errorf("Parse(%q) args (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestParseQuotes(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OKStraight", line: `word "hello world"`, path: "word", want: commands.Args{"w": "hello world"}},
		{name: "OKCurly", line: `word “hello world”`, path: "word", want: commands.Args{"w": "hello world"}},
		{name: "OKCurlyClosedStraight", line: `word “hello world"`, path: "word", want: commands.Args{"w": "hello world"}},
		{name: "OKGuillemets", line: `word « comme ça »`, path: "word", want: commands.Args{"w": "comme ça"}},
		{name: "OKGuillemetsTight", line: `word «comme ça»`, path: "word", want: commands.Args{"w": "comme ça"}},
		{name: "OKLowNine", line: `word „hallo Welt“`, path: "word", want: commands.Args{"w": "hallo Welt"}},
		{name: "OKTwoQuoted", line: `word "a b" 'c'`, path: "word", want: commands.Args{"w": "a b", "second": "'c'"}},
		{name: "OKEscapedQuote", line: `word "say \"hi\""`, path: "word", want: commands.Args{"w": `say "hi"`}},
		{name: "OKEscapedBackslash", line: `word "a\\b"`, path: "word", want: commands.Args{"w": `a\b`}},
		{name: "OKEscapedCloser", line: `word « a \» b »`, path: "word", want: commands.Args{"w": "a » b"}},
		{name: "OKBackslashOutsideQuotes", line: `word a\b`, path: "word", want: commands.Args{"w": `a\b`}},
		{name: "OKQuoteInsideWord", line: `word don"t`, path: "word", want: commands.Args{"w": `don"t`}},
		{name: "OKQuoteAdjacent", line: `word "a"b`, path: "word", want: commands.Args{"w": "a", "second": "b"}},
		{name: "OKQuotedFlagIsText", line: `say "--to"`, path: "say", want: commands.Args{"text": "--to"}},
		{name: "OKQuotedNewline", line: "word \"two\nlines\"", path: "word", want: commands.Args{"w": "two\nlines"}},
		{name: "ErrEmptyQuoted", line: `word ""`, errHas: []string{"`word` needs W", "usage: `word W [SECOND]`"}},
	})
}

func TestParseUnterminatedQuote(t *testing.T) {
	r := MustTestRouter(t, nil)
	tests := []struct {
		name string
		line string
		col  string
	}{
		{name: "ErrStraight", line: `word "abc`, col: "column 6"},
		{name: "ErrCurly", line: `say “hello`, col: "column 5"},
		{name: "ErrGuillemet", line: `say ok « ouvert`, col: "column 8"},
		{name: "ErrWrongCloser", line: `say “abc»`, col: "column 5"},
		{name: "ErrEscapedCloser", line: `word "abc\"`, col: "column 6"},
		{name: "ErrTrailingBackslash", line: `word "abc\`, col: "column 6"},
		{name: "ErrSecondQuote", line: `word "a" "b`, col: "column 10"},
		{name: "ErrColumnsCountRunes", line: `say é “x`, col: "column 7"},
		{name: "ErrFirstToken", line: `"say hi`, col: "column 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := MustParseErr(t, r, tt.line)
			if !strings.Contains(msg, tt.col) || !strings.Contains(msg, "quote") {
				t.Errorf("Parse(%q) error %q; want it to name the quote at %s", tt.line, msg, tt.col)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	r := MustTestRouter(t, nil)
	news := []herald.Target{{Kind: "slack", Name: "#news"}}
	runParseCases(t, r, []parseCase{
		{name: "OKSpace", line: "say hi --to slack:#news", path: "say", want: commands.Args{"text": "hi", "to": news}},
		{name: "OKEquals", line: "say hi --to=slack:#news,mastodon:main", path: "say",
			want: commands.Args{"text": "hi", "to": []herald.Target{{Kind: "slack", Name: "#news"}, {Kind: "mastodon", Name: "main"}}}},
		{name: "OKEmDash", line: "say hi —to slack:#news", path: "say", want: commands.Args{"text": "hi", "to": news}},
		{name: "OKEmDashEquals", line: "say hi —to=slack:#news", path: "say", want: commands.Args{"text": "hi", "to": news}},
		{name: "OKUpperCaseName", line: "say hi --TO slack:#news", path: "say", want: commands.Args{"text": "hi", "to": news}},
		{name: "OKQuotedValue", line: `say hi --at "mon 9:00"`, path: "say", want: commands.Args{"text": "hi", "at": "mon 9:00"}},
		{name: "OKCurlyQuotedValue", line: `say hi --at “tomorrow 9:00”`, path: "say", want: commands.Args{"text": "hi", "at": "tomorrow 9:00"}},
		{name: "OKFlagFirst", line: "say --note x hello", path: "say", want: commands.Args{"text": "hello", "note": "x"}},
		{name: "OKFlagsOnly", line: "say --note x --at now", path: "say", want: commands.Args{"note": "x", "at": "now"}},
		{name: "OKEmptyInlineIsAbsent", line: "say hi --note=", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKDoubleDashAloneIsText", line: "say -- x", path: "say", want: commands.Args{"text": "-- x"}},
		{name: "OKDashNumberIsText", line: "say --1 -x", path: "say", want: commands.Args{"text": "--1 -x"}},
		{name: "OKIntFlag", line: "approve 12 --rev 3", path: "approve", want: commands.Args{"id": int64(12), "rev": int64(3)}},
		{name: "ErrUnknown", line: "say hi --from x", errHas: []string{"`say` has no option --from", "usage: `say [TEXT ...] [--to TARGETS] [--at WHEN] [--note NOTE]`"}},
		{name: "ErrUnknownNear", line: "say hi --att 9h", errHas: []string{"`say` has no option --att (did you mean --at?)"}},
		{name: "OKUnknownEmDashIsProse", line: "say Big news —today only", path: "say", want: commands.Args{"text": "Big news —today only"}},
		{name: "OKQuotedInlineValue", line: `say hi --at="mon 9:00" there`, path: "say", want: commands.Args{"text": "hi there", "at": "mon 9:00"}},
		{name: "OKPolishQuotes", line: "say „tekst”", path: "say", want: commands.Args{"text": "tekst"}},
		{name: "ErrPositionalAsFlag", line: "pick --id 12 red", errHas: []string{"no option --id"}},
		{name: "ErrNoValue", line: "say hi --to", errHas: []string{"--to needs a value", "usage: `say"}},
		{name: "ErrNoValueEmDash", line: "approve 12 —rev", errHas: []string{"--rev needs a value"}},
		{name: "ErrTwice", line: "say --to slack:#a --to slack:#b", errHas: []string{"--to is given twice"}},
		{name: "ErrTwiceMixed", line: "say --note=a —NOTE b", errHas: []string{"--note is given twice"}},
		{name: "ErrBadTargets", line: "say hi --to nowhere", errHas: []string{`"nowhere" is not a target`}},
		{name: "ErrBadIntFlag", line: "approve 12 --rev zero", errHas: []string{"--rev must be a number"}},
	})
}

func TestParseText(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OKOneWord", line: "say hi", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKInnerQuotes", line: `say she said "hi there" to me`, path: "say", want: commands.Args{"text": `she said "hi there" to me`}},
		{name: "OKInnerCurlyQuotes", line: `say it is “new” and «neuf»`, path: "say", want: commands.Args{"text": `it is “new” and «neuf»`}},
		{name: "OKSeveralSpaces", line: "say a   b  \t c", path: "say", want: commands.Args{"text": "a   b  \t c"}},
		{name: "OKNewlines", line: "say line one\nline two\n\n  indented", path: "say", want: commands.Args{"text": "line one\nline two\n\n  indented"}},
		{name: "OKOuterSpaceTrimmed", line: "say    hi   ", path: "say", want: commands.Args{"text": "hi"}},
		{name: "OKLoneQuoted", line: `say "hello   world"`, path: "say", want: commands.Args{"text": "hello   world"}},
		{name: "OKLoneQuotedEscapes", line: `say "say \"hi\""`, path: "say", want: commands.Args{"text": `say "hi"`}},
		{name: "OKLoneQuotedMultiline", line: "say “one\ntwo”", path: "say", want: commands.Args{"text": "one\ntwo"}},
		{name: "OKTwoQuotedKeptRaw", line: `say "a" "b"`, path: "say", want: commands.Args{"text": `"a" "b"`}},
		{name: "OKLoneQuotedBeforeFlag", line: `say "hello world" --note n`, path: "say", want: commands.Args{"text": "hello world", "note": "n"}},
		{name: "OKLoneQuotedAfterFlag", line: `say --note n "hello world"`, path: "say", want: commands.Args{"text": "hello world", "note": "n"}},
		{name: "OKFlagInMiddle", line: "say hello --to slack:#news world", path: "say",
			want: commands.Args{"text": "hello world", "to": []herald.Target{{Kind: "slack", Name: "#news"}}}},
		{name: "OKRunsKeepSpacing", line: "say a  b --note n c\nd", path: "say", want: commands.Args{"text": "a  b c\nd", "note": "n"}},
		{name: "OKTwoFlagsInMiddle", line: "say a --note n b --at now c", path: "say", want: commands.Args{"text": "a b c", "note": "n", "at": "now"}},
		{name: "OKAfterID", line: "approve 12 great,   ship it --rev 2", path: "approve",
			want: commands.Args{"id": int64(12), "comment": "great,   ship it", "rev": int64(2)}},
		{name: "OKTwoWordPathText", line: "brand add  Acme   Corp ", path: "brand add", want: commands.Args{"name": "Acme   Corp"}},
		{name: "OKEmptyTextIsAbsent", line: `say ""`, path: "say", want: commands.Args{}},
		{name: "ErrRequiredText", line: "brand add", errHas: []string{"`brand add` needs NAME", "usage: `brand add NAME ...`"}},
		{name: "ErrRequiredTextBlank", line: `brand add "  "`, errHas: []string{"`brand add` needs NAME"}},
	})
}

func TestParseID(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OK", line: "pick 12 red", path: "pick", want: commands.Args{"id": int64(12), "color": "red"}},
		{name: "OKHash", line: "pick #12 red", path: "pick", want: commands.Args{"id": int64(12), "color": "red"}},
		{name: "OKQuoted", line: `pick "7" red`, path: "pick", want: commands.Args{"id": int64(7), "color": "red"}},
		{name: "OKLarge", line: "pick 9223372036854775807 red", path: "pick", want: commands.Args{"id": int64(9223372036854775807), "color": "red"}},
		{name: "ErrZero", line: "pick 0 red", errHas: []string{"ID must be a draft id such as 12", `"0"`}},
		{name: "ErrNegative", line: "pick -1 red", errHas: []string{"ID must be a draft id", `"-1"`}},
		{name: "ErrWord", line: "pick abc red", errHas: []string{"ID must be a draft id", `"abc"`}},
		{name: "ErrHashAlone", line: "pick # red", errHas: []string{"ID must be"}},
		{name: "ErrDoubleHash", line: "pick ##12 red", errHas: []string{"ID must be"}},
		{name: "ErrTrailing", line: "pick 12abc red", errHas: []string{"ID must be"}},
		{name: "ErrDecimal", line: "pick 1.5 red", errHas: []string{"ID must be"}},
		{name: "ErrOverflow", line: "pick 99999999999999999999 red", errHas: []string{"ID must be"}},
		{name: "ErrHashNegative", line: "pick #-3 red", errHas: []string{"ID must be"}},
		{name: "OKInt", line: "count 3", path: "count", want: commands.Args{"n": int64(3)}},
		{name: "ErrIntZero", line: "count 0", errHas: []string{"N must be a number such as 12"}},
	})
}

func TestParseUser(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OKAt", line: "greet @sam", path: "greet", want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "sam", Name: "sam"}}},
		{name: "OKAtLowercasesID", line: "greet @Sam.O-K_1", path: "greet", want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "sam.o-k_1", Name: "Sam.O-K_1"}}},
		{name: "OKSlack", line: "greet <@U123>", path: "greet", want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "U123"}}},
		{name: "OKSlackName", line: "greet <@U123|sam>", path: "greet", want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "U123", Name: "sam"}}},
		{name: "OKDiscordNick", line: "greet <@!123>", path: "greet", want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "123"}}},
		{name: "OKRole", line: "greet @sam Editor", path: "greet", want: commands.Args{"user": herald.Actor{Platform: "slack", UserID: "sam", Name: "sam"}, "role": herald.RoleEditor}},
		{name: "ErrNoAt", line: "greet sam", errHas: []string{`"sam" is not a user`, "@sam"}},
		{name: "ErrAtAlone", line: "greet @", errHas: []string{"is not a user"}},
		{name: "ErrEmptyMention", line: "greet <@>", errHas: []string{"is not a user"}},
		{name: "ErrEmptyNick", line: "greet <@!>", errHas: []string{"is not a user"}},
		{name: "ErrUnclosed", line: "greet <@U123", errHas: []string{"is not a user"}},
		{name: "ErrOnlyName", line: "greet <@|sam>", errHas: []string{"is not a user"}},
		{name: "ErrChannel", line: "greet <#C123>", errHas: []string{"is not a user"}},
		{name: "ErrPunctuation", line: "greet @sa!m", errHas: []string{"is not a user"}},
		{name: "ErrTooLong", line: "greet @" + strings.Repeat("a", 65), errHas: []string{"is not a user"}},
		{name: "ErrRole", line: "greet @sam owner", errHas: []string{`"owner" is not a role`}},
	})
	t.Run("OKPlatformFromActor", func(t *testing.T) {
		_, args, err := r.Parse(herald.Actor{Platform: "discord", UserID: "42"}, "greet <@!123>")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := args.User("user"), (herald.Actor{Platform: "discord", UserID: "123"}); !cmp.Equal(got, want) {
			t.Errorf("user = %+v; want %+v", got, want)
		}
	})
}

func TestParseChoice(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OK", line: "pick 1 red", path: "pick", want: commands.Args{"id": int64(1), "color": "red"}},
		{name: "OKUpper", line: "pick 1 RED", path: "pick", want: commands.Args{"id": int64(1), "color": "red"}},
		{name: "OKMixed", line: "pick 1 gReEn", path: "pick", want: commands.Args{"id": int64(1), "color": "green"}},
		{name: "OKQuoted", line: `pick 1 "Blue"`, path: "pick", want: commands.Args{"id": int64(1), "color": "blue"}},
		{name: "ErrUnknown", line: "pick 1 purple", errHas: []string{`"purple" is not one of red, green, blue`}},
		{name: "ErrPrefix", line: "pick 1 re", errHas: []string{"is not one of"}},
		{name: "ErrNear", line: "pick 1 gren", errHas: []string{`"gren" is not one of red, green, blue. Did you mean green?`}},
	})
}

func TestParseArity(t *testing.T) {
	r := MustTestRouter(t, nil)
	runParseCases(t, r, []parseCase{
		{name: "OKOptionalAbsent", line: "word a", path: "word", want: commands.Args{"w": "a"}},
		{name: "OKNoParams", line: "brand list", path: "brand list"},
		{name: "ErrMissingAll", line: "pick", errHas: []string{"`pick` needs ID", "usage: `pick ID red|green|blue` (see `help pick`)"}},
		{name: "ErrMissingSecond", line: "pick 12", errHas: []string{"`pick` needs red|green|blue", "usage: `pick ID red|green|blue`"}},
		{name: "ErrMissingUser", line: "greet", errHas: []string{"`greet` needs @USER", "usage: `greet @USER [ROLE]`"}},
		{name: "ErrTooMany", line: "pick 12 red blue", errHas: []string{"`pick` does not expect \"blue\"", "usage: `pick ID red|green|blue`"}},
		{name: "ErrTooManyNoParams", line: "brand list all", errHas: []string{"`brand list` does not expect \"all\"", "usage: `brand list`"}},
		{name: "ErrTooManyQuoted", line: "word a b \"c d\"", errHas: []string{`does not expect "c d"`}},
	})
}

func TestDefUsage(t *testing.T) {
	tests := []struct {
		name   string
		params []commands.Param
		want   string
	}{
		{name: "OKNoParams", want: "cmd"},
		{name: "OKRequired", params: []commands.Param{{Name: "name", Kind: commands.String, Required: true}}, want: "cmd NAME"},
		{name: "OKOptional", params: []commands.Param{{Name: "name", Kind: commands.String}}, want: "cmd [NAME]"},
		{name: "OKRequiredText", params: []commands.Param{{Name: "text", Kind: commands.Text, Required: true}}, want: "cmd TEXT ..."},
		{name: "OKOptionalText", params: []commands.Param{{Name: "text", Kind: commands.Text}}, want: "cmd [TEXT ...]"},
		{name: "OKChoice", params: []commands.Param{{Name: "c", Kind: commands.Choice, Required: true, Choices: []string{"a", "b"}}}, want: "cmd a|b"},
		{name: "OKOptionalChoice", params: []commands.Param{{Name: "c", Kind: commands.Choice, Choices: []string{"a", "b"}}}, want: "cmd [a|b]"},
		{name: "OKChoiceWithoutChoices", params: []commands.Param{{Name: "c", Kind: commands.Choice}}, want: "cmd [C]"},
		{name: "OKFlag", params: []commands.Param{{Name: "to", Kind: commands.Targets, Flag: true}}, want: "cmd [--to TARGETS]"},
		{name: "OKRequiredFlag", params: []commands.Param{{Name: "to", Kind: commands.Targets, Flag: true, Required: true}}, want: "cmd --to TARGETS"},
		{name: "OKTextFlag", params: []commands.Param{{Name: "note", Kind: commands.Text, Flag: true}}, want: "cmd [--note NOTE]"},
		{name: "OKAll", params: []commands.Param{
			{Name: "id", Kind: commands.ID, Required: true},
			{Name: "comment", Kind: commands.Text},
			{Name: "rev", Kind: commands.Int, Flag: true},
		}, want: "cmd ID [COMMENT ...] [--rev N]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &commands.Def{Path: "cmd", Params: tt.params}
			if got := d.Usage(); got != tt.want {
				t.Errorf("Usage() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestParamPlaceholder(t *testing.T) {
	tests := []struct {
		name string
		p    commands.Param
		want string
	}{
		{name: "OK", p: commands.Param{Name: "brand"}, want: "BRAND"},
		{name: "OKChoice", p: commands.Param{Name: "filter", Kind: commands.Choice, Choices: []string{"pending", "mine"}}, want: "pending|mine"},
		{name: "OKChoicesIgnoredOnOtherKinds", p: commands.Param{Name: "x", Kind: commands.String, Choices: []string{"a"}}, want: "X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Placeholder(); got != tt.want {
				t.Errorf("Placeholder() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestArgs(t *testing.T) {
	a := commands.Args{
		"s":    "x",
		"n":    int64(4),
		"u":    herald.Actor{Platform: "slack", UserID: "U1"},
		"r":    herald.RoleClient,
		"t":    []herald.Target{{Kind: "mastodon", Name: "main"}},
		"oops": 3, // an int, not an int64: the getters give zero values
	}
	t.Run("OK", func(t *testing.T) {
		if !a.Has("s") || a.Str("s") != "x" || a.Int("n") != 4 || a.User("u").UserID != "U1" || a.Role("r") != herald.RoleClient || len(a.Targets("t")) != 1 {
			t.Errorf("getters on %v gave wrong values", a)
		}
	})
	t.Run("OKAbsentOrWrongType", func(t *testing.T) {
		if a.Has("none") || a.Str("none") != "" || a.Str("n") != "" || a.Int("oops") != 0 || !cmp.Equal(a.User("s"), herald.Actor{}) || a.Role("s") != "" || a.Targets("s") != nil {
			t.Errorf("getters on absent or mistyped values did not give zero values")
		}
	})
}

func TestExcerptSegments(t *testing.T) {
	text := "Crédit Acme: acme wins" // é is two bytes
	for _, tc := range []struct {
		name  string
		marks [][2]int
		want  []commands.Segment
	}{
		{"OK/none", nil, []commands.Segment{{Text: text}}},
		{"OK/marks", [][2]int{{0, 7}, {14, 18}}, []commands.Segment{{Text: "Crédit", Marked: true}, {Text: " Acme: "}, {Text: "acme", Marked: true}, {Text: " wins"}}},
		{"OK/end", [][2]int{{19, 23}}, []commands.Segment{{Text: "Crédit Acme: acme "}, {Text: "wins", Marked: true}}},
		{"ErrBad/ignored", [][2]int{{2, 3}, {5, 3}, {20, 99}, {-1, 2}}, []commands.Segment{{Text: text}}},
		{"ErrOverlap/ignored", [][2]int{{8, 12}, {10, 18}}, []commands.Segment{{Text: "Crédit "}, {Text: "Acme", Marked: true}, {Text: ": acme wins"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := commands.Excerpt{Text: text, Marks: tc.marks}.Segments()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Segments (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseWhenRest: a WHEN that is the last positional parameter takes
// the rest of the words, so `schedule 12 tomorrow 9:00` needs no quotes;
// as a flag it stays one value.
func TestParseWhenRest(t *testing.T) {
	r := commands.NewRouter()
	r.Register(&commands.Def{Path: "schedule", Summary: "Schedule.", Handler: okHandler, Params: []commands.Param{
		{Name: "id", Kind: commands.ID, Required: true},
		{Name: "when", Kind: commands.When, Required: true},
		{Name: "note", Kind: commands.String, Flag: true},
	}})
	for _, tt := range []struct{ line, want string }{
		{"schedule 12 tomorrow 9:00", "tomorrow 9:00"},
		{`schedule 12 "tomorrow 9:00"`, "tomorrow 9:00"},
		{"schedule 12 2026-12-01 09:00 Europe/Paris --note n", "2026-12-01 09:00 Europe/Paris"},
		{"schedule 12 in 2h", "in 2h"},
	} {
		_, args := MustParse(t, r, tt.line)
		if got := args["when"]; got != tt.want {
			t.Errorf("Parse(%q) when = %v; want %q", tt.line, got, tt.want)
		}
	}
}
