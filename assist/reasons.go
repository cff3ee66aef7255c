package assist

// Reasons of this package's errors that say all there is in their Message
// (see herald.Error): the command layer words them in the reader's
// language from their Facts. Columns count characters from 1.
const (
	ReasonRulesLong      = "assist.rules_long"       // {max}: guidelines input in bytes
	ReasonRulesUTF8      = "assist.rules_utf8"       // the rules are not valid UTF-8
	ReasonRuleTwice      = "assist.rule_twice"       // {rule, col, col2}
	ReasonNoRule         = "assist.no_rule"          // nothing given
	ReasonNotARule       = "assist.not_a_rule"       // {rule, col, equals}: equals is false when NAME=VALUE is missing its =
	ReasonNoKindTaken    = "assist.no_kind_taken"    // {rule, col, name}: NAME.KIND for a rule without kinds
	ReasonBadRuleKind    = "assist.bad_rule_kind"    // {kind, col}
	ReasonBadValue       = "assist.bad_value"        // {rule, col, error *herald.Error}: the value's own error
	ReasonOpenQuote      = "assist.open_quote"       // {col}
	ReasonToneLong       = "assist.tone_long"        // {length, max}
	ReasonItemLong       = "assist.item_long"        // {item, length, max}
	ReasonItemEmpty      = "assist.item_empty"       // {item}
	ReasonTooManyItems   = "assist.too_many_items"   // {count, max}
	ReasonNoItems        = "assist.no_items"         // a list rule without items
	ReasonBadLength      = "assist.bad_length"       // {value, max}
	ReasonBadEmoji       = "assist.bad_emoji"        // {value}
	ReasonBadAlt         = "assist.bad_alt"          // {value}
	ReasonBadLangTag     = "assist.bad_lang_tag"     // {value}
	ReasonNothingToClear = "assist.nothing_to_clear" // no guidelines to clear
	ReasonNoVariant      = "assist.no_variant"       // the LLM's answer held no usable draft
	ReasonBriefLong      = "assist.brief_long"       // {max, length}
	ReasonNoReply        = "assist.no_reply"         // the LLM's answer held no usable reply
	ReasonBadTriage      = "assist.bad_triage"       // the LLM's triage could not be read
)
