package mentions

// Reasons of this package's errors that say all there is in their Message
// (see herald.Error): the command layer words them in the reader's
// language from their Facts.
const (
	ReasonBadAction     = "mentions.bad_action"      // {value}: not claim, done, ignore or reopen
	ReasonNoWebhook     = "mentions.no_webhook"      // an unknown webhook token
	ReasonTooManyItems  = "mentions.too_many_items"  // {max}: a webhook push too large
	ReasonAnswered      = "mentions.answered"        // {mention, by}: answered already
	ReasonChanged       = "mentions.changed"         // {mention}: changed by someone else meanwhile
	ReasonNotFound      = "mentions.not_found"       // {what: mention|watch|source, id}
	ReasonClaimed       = "mentions.claimed"         // {mention, by}: claimed already
	ReasonOpenAlready   = "mentions.open_already"    // {mention}: reopening an open mention
	ReasonWrongState    = "mentions.wrong_state"     // {mention, state State, action Action}
	ReasonNoDraftNumber = "mentions.no_draft_number" // linking without a draft number
	ReasonHasDraft      = "mentions.has_draft"       // {mention, draft}: another reply draft is linked
	ReasonLinked        = "mentions.linked"          // {mention, draft}: that draft is linked already
	ReasonMuted         = "mentions.muted"           // {kind MuteKind, value}
	ReasonNotMuted      = "mentions.not_muted"       // {kind MuteKind, value}
	ReasonBadMuteKind   = "mentions.bad_mute_kind"   // {kind}: neither author nor domain
	ReasonBadMute       = "mentions.bad_mute"        // {kind, value}: empty or too long
	ReasonBadLang       = "mentions.bad_lang"        // {value}: not a language code
	ReasonBadDigest     = "mentions.bad_digest"      // the digest time is not HH:MM
	ReasonBadKind       = "mentions.bad_kind"        // {kind, kinds}: not a source kind
	ReasonKindOff       = "mentions.kind_off"        // {kind, kinds}: kind not set up here
	ReasonSourceTaken   = "mentions.source_taken"    // {source}: the brand has it already
	ReasonURLUnwanted   = "mentions.url_unwanted"    // {kind}: the kind takes no URL
	ReasonNeedsURL      = "mentions.needs_url"       // {kind}
	ReasonBadURL        = "mentions.bad_url"         // {url}: not http(s)
	ReasonURLUser       = "mentions.url_user"        // the URL carries credentials
	ReasonURLRefused    = "mentions.url_refused"     // {url, error}: the URL check refused it
	ReasonTagUnwanted   = "mentions.tag_unwanted"    // {kind}: the kind takes no tag
	ReasonNeedsTag      = "mentions.needs_tag"       // {kind}
	ReasonTagLong       = "mentions.tag_long"        // {max}
	ReasonTagChars      = "mentions.tag_chars"       // {tag, char}
	ReasonQueryLong     = "mentions.query_long"      // {max}
)
