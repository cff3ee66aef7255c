package brands

import (
	"slices"
	"strings"

	"github.com/heraldhq/herald"
)

// Action is something a member may or may not do on a brand. The table
// below is the one place that says which roles may do what; every package
// asks it through Can and Need.
type Action string

// The guarded actions of the product.
const (
	UseChannel   Action = "use_channel"   // make a channel's default brand this one
	GiveRoles    Action = "give_roles"    // give, change or remove members' roles
	SetPolicy    Action = "set_policy"    // set the review policy
	SetReminders Action = "set_reminders" // set when reviewers are reminded
	SetZone      Action = "set_zone"      // change the brand's time zone

	WriteDrafts  Action = "write_drafts"  // create drafts
	EditDrafts   Action = "edit_drafts"   // store a new revision
	EditMedia    Action = "edit_media"    // add, remove, reorder or describe a draft's media (a new revision)
	SubmitDrafts Action = "submit_drafts" // send a draft to review
	CancelDrafts Action = "cancel_drafts" // abandon a draft before it is published
	ReviewTeam   Action = "review_team"   // approve, request changes or reject at a team stage
	ReviewClient Action = "review_client" // the same at a client stage

	SchedulePosts   Action = "schedule_posts"
	UnschedulePosts Action = "unschedule_posts"
	PublishPosts    Action = "publish_posts"
	RetryPosts      Action = "retry_posts"
	ConfirmPosts    Action = "confirm_posts" // mark a post as published by hand
	SetUpTargets    Action = "set_up_targets"
	RemoveTargets   Action = "remove_targets"
	ConnectTargets  Action = "connect_targets" // connect a network account through its authorization page
	CalendarLinks   Action = "calendar_links"  // make or rotate a calendar link
	PausePosts      Action = "pause_posts"     // stop (and resume) a brand's publishing in a crisis

	ChangeGuidelines Action = "change_guidelines"
	AskDrafts        Action = "ask_drafts"  // ask the LLM for draft variants
	WriteReplies     Action = "write_reply" // write a reply draft to a mention

	ReadListening   Action = "read_listening"   // list, show, summary, watch test
	ActOnMentions   Action = "act_on_mentions"  // claim, done, ignore, reopen, link a reply draft, mark answered
	ManageListening Action = "manage_listening" // watches, sources, mutes, settings
)

var (
	admins      = []herald.Role{herald.RoleAdmin}
	writers     = []herald.Role{herald.RoleEditor, herald.RoleAdmin}
	schedulers  = []herald.Role{herald.RoleEditor, herald.RoleApprover, herald.RoleAdmin}
	teamReview  = []herald.Role{herald.RoleApprover, herald.RoleAdmin}
	everyone    = []herald.Role{herald.RoleAdmin, herald.RoleEditor, herald.RoleApprover, herald.RoleClient, herald.RoleViewer}
	mentionActs = []herald.Role{herald.RoleAdmin, herald.RoleEditor, herald.RoleApprover}
	listenAdmin = []herald.Role{herald.RoleAdmin, herald.RoleEditor}
)

// rule is one row of the table: the roles that may, and the words of the
// refusal for the others.
type rule struct {
	roles  []herald.Role
	refuse func(r rule, role herald.Role) string
}

// table is the permission table: action → roles that may do it.
var table = map[Action]rule{
	UseChannel:   {admins, only("set a channel's brand")},
	GiveRoles:    {admins, only("give roles")},
	SetPolicy:    {admins, only("set the review policy")},
	SetReminders: {admins, only("set review reminders")},
	SetZone:      {admins, only("change the time zone")},

	WriteDrafts:  {writers, only("write drafts")},
	EditDrafts:   {writers, only("edit drafts")},
	EditMedia:    {writers, only("change a draft's pictures and videos")},
	SubmitDrafts: {writers, only("submit drafts")},
	CancelDrafts: {writers, only("cancel drafts")},
	ReviewTeam:   {teamReview, only("decide at a team review stage")},
	ReviewClient: {[]herald.Role{herald.RoleClient}, only("decide at a client review stage")},

	SchedulePosts:   {schedulers, only("schedule posts")},
	UnschedulePosts: {schedulers, only("unschedule posts")},
	PublishPosts:    {schedulers, only("publish posts")},
	RetryPosts:      {schedulers, only("retry posts")},
	ConfirmPosts:    {schedulers, only("mark as published posts")},
	SetUpTargets:    {admins, only("set up targets")},
	RemoveTargets:   {admins, only("remove targets")},
	ConnectTargets:  {admins, only("connect targets")},
	CalendarLinks:   {admins, only("make calendar links")},
	PausePosts:      {teamReview, only("pause or resume publishing")},

	ChangeGuidelines: {writers, only("change the guidelines")},
	AskDrafts:        {writers, only("ask for drafts")},
	WriteReplies:     {writers, only("write reply drafts")},

	ReadListening:   {everyone, as("see this brand's listening")},
	ActOnMentions:   {mentionActs, as("act on mentions (admins, editors and approvers can)")},
	ManageListening: {listenAdmin, as("change watches, sources, mutes or listening settings (admins and editors can)")},
}

// Actions lists every guarded action, in a stable order.
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for a := range table {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Roles returns the roles that may do a, in the order the refusal names
// them; nil for an unknown action.
func Roles(a Action) []herald.Role { return slices.Clone(table[a].roles) }

// Can reports whether role may do a. No role may do an unknown action.
func Can(role herald.Role, a Action) bool {
	return role != "" && slices.Contains(table[a].roles, role)
}

// ReasonForbidden is the Reason of Need's refusals. Facts: "action" (the
// Action), "role" (the member's role, "" for none) and "roles" (the roles
// that may, []string).
const ReasonForbidden = "brands.forbidden"

// Need returns nil when m's role may do a, else an EFORBIDDEN error that
// says who may.
func Need(m Member, a Action) error {
	if Can(m.Role, a) {
		return nil
	}
	r, ok := table[a]
	if !ok {
		r = rule{refuse: only(string(a))}
	}
	names := make([]string, len(r.roles))
	for i, x := range r.roles {
		names[i] = string(x)
	}
	return herald.Errorf(herald.EFORBIDDEN, "%s", r.refuse(r, m.Role)).
		Because(ReasonForbidden, herald.Facts{"action": string(a), "role": string(m.Role), "roles": names})
}

// only words a refusal "Only an admin can give roles, and you are an
// editor on this brand."
func only(what string) func(rule, herald.Role) string {
	return func(r rule, role herald.Role) string {
		names := make([]string, len(r.roles))
		for i, x := range r.roles {
			names[i] = string(x)
		}
		return "Only " + OrList(names) + " can " + what + ", and you are " + Article(string(role)) + " on this brand."
	}
}

// as words a refusal "As viewer you cannot see this brand's listening."
// (the words of the listening commands).
func as(what string) func(rule, herald.Role) string {
	return func(_ rule, role herald.Role) string {
		return "As " + string(role) + " you cannot " + what + "."
	}
}

// OrList joins role names as "an admin", "editor or admin", "editor,
// approver or admin"; "nobody" when empty.
func OrList(xs []string) string {
	switch len(xs) {
	case 0:
		return "nobody"
	case 1:
		return Article(xs[0])
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// Article puts "a" or "an" before a role name.
func Article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
