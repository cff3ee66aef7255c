package kit

import (
	"fmt"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

// queryText words in l an error of a watch query (mentions/query's
// ReasonBad): its problem, after the column when there is one.
func queryText(l i18n.Lang, f herald.Facts) string {
	format, _ := f["problem"].(string)
	args, _ := f["args"].([]any)
	p := queryProblem(l, format, args)
	if col, _ := f["col"].(int); col > 0 {
		return l.F("column %v: %s", col, p)
	}
	return p
}

// arg is the i-th value of a query problem, "" when missing.
func arg(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// queryProblem says in l one problem of a watch query, from its English
// format (mentions/query) and values.
func queryProblem(l i18n.Lang, format string, a []any) string {
	switch format {
	case "the query is not valid UTF-8 text":
		return l.T("the query is not valid UTF-8 text")
	case "the query is longer than %d characters":
		return l.F("the query is longer than %v characters", arg(a, 0))
	case "the query is empty: give a word or a \"phrase\" to look for":
		return l.T("the query is empty: give a word or a \"phrase\" to look for")
	case "the query has more than %d terms and filters":
		return l.F("the query has more than %v terms and filters", arg(a, 0))
	case "the query needs a word or a \"phrase\" to look for that is not excluded: filters and exclusions alone would match nearly everything":
		return l.T("the query needs a word or a \"phrase\" to look for that is not excluded: filters and exclusions alone would match nearly everything")
	case "AND needs a term on each side":
		return l.T("AND needs a term on each side")
	case "OR needs a term on each side":
		return l.T("OR needs a term on each side")
	case "the query nests more than %d levels deep":
		return l.F("the query nests more than %v levels deep", arg(a, 0))
	case "this ( is never closed":
		return l.T("this ( is never closed")
	case "empty parentheses":
		return l.T("empty parentheses")
	case ") without a matching (":
		return l.T(") without a matching (")
	case "the query ends where a term was expected":
		return l.T("the query ends where a term was expected")
	}
	return queryFilterProblem(l, format, a)
}

// queryFilterProblem says in l the problems of terms, quotes and filters.
func queryFilterProblem(l i18n.Lang, format string, a []any) string {
	switch format {
	case "%q has no letters or digits to look for":
		return l.F("%q has no letters or digits to look for", arg(a, 0))
	case "site: takes a host name such as reddit.com or news.ycombinator.com, without a path":
		return l.T("site: takes a host name such as reddit.com or news.ycombinator.com, without a path")
	case "author: needs a name, as in author:jane":
		return l.T("author: needs a name, as in author:jane")
	case "lang: takes a language code such as fr or en":
		return l.T("lang: takes a language code such as fr or en")
	case "unknown source %q: the sources are %s":
		return l.F("unknown source %q: the sources are %s", arg(a, 0), arg(a, 1))
	case "a - must be followed by what to exclude, as in -job":
		return l.T("a - must be followed by what to exclude, as in -job")
	case "empty quotes: put the phrase to look for between them":
		return l.T("empty quotes: put the phrase to look for between them")
	case "unclosed quote":
		return l.T("unclosed quote")
	case "unknown filter %s: (the filters are site:, author:, lang: and source:; put the word in quotes to look for it as is)":
		return l.F("unknown filter %v: (the filters are site:, author:, lang: and source:; put the word in quotes to look for it as is)", arg(a, 0))
	case "%s: needs a value, as in %s":
		return l.F("%v: needs a value, as in %v", arg(a, 0), arg(a, 1))
	}
	return fmt.Sprintf(format, a...)
}
