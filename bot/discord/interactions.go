package discord

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// kind is what an interaction asks of Herald.
type kind int

const (
	kindCommand      kind = iota // a /herald command: run its line
	kindClick                    // a run button: run its line
	kindSubmit                   // a modal's answers: run its line
	kindAsk                      // an ask button: open its modal
	kindAutocomplete             // an option being typed: suggest values
)

// inbound is one interaction, translated: who, where, and what to run.
type inbound struct {
	ref     interactionRef
	kind    kind
	actor   herald.Actor // with the member's Discord roles as Groups
	channel herald.ChannelRef
	line    string          // the command line to run
	files   []commands.File // attachment options that came with a command
	ask     commands.Button // kindAsk: the button clicked
	focus   focus           // kindAutocomplete: what is typed
}

// focus is the option a user is typing, for autocomplete.
type focus struct {
	def   *commands.Def
	param commands.Param
	typed string
}

// deferral is how an interaction of this kind is deferred: components
// without a visible change (type 6), the others with "Herald is thinking…"
// (type 5).
func (in inbound) deferral() int {
	if in.kind == kindClick {
		return callbackDeferredUpdate
	}
	return callbackDeferred
}

// parseInteraction reads an interaction payload, from either transport.
// Component types discordgo does not know are no reason to refuse one:
// lenient keeps what Herald reads of a form or a clicked message. Anything
// malformed is an EINVALID *herald.Error saying what is wrong; nothing is
// run.
func parseInteraction(body []byte) (*discordgo.Interaction, error) {
	var it discordgo.Interaction
	if err := json.Unmarshal(lenient(body), &it); err != nil {
		return nil, &herald.Error{Code: herald.EINVALID, Message: "The request is not a Discord interaction (its JSON could not be read).", Err: err}
	}
	switch it.Type {
	case discordgo.InteractionPing:
		return &it, nil
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent,
		discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionModalSubmit:
	default:
		return nil, herald.Errorf(herald.EINVALID, "Interaction type %d is not one Herald handles.", it.Type)
	}
	if it.ID == "" || it.Token == "" || it.AppID == "" {
		return nil, herald.Errorf(herald.EINVALID, "The interaction has no id, token or application id.")
	}
	if it.Data == nil {
		return nil, herald.Errorf(herald.EINVALID, "The interaction has no data.")
	}
	return &it, nil
}

// translate turns an interaction into what to run, as whom, where. The
// errors are EINVALID *herald.Errors meant for the user.
func (a *Adapter) translate(it *discordgo.Interaction) (inbound, error) {
	in := inbound{ref: interactionRef{ID: it.ID, AppID: it.AppID, Token: it.Token}}
	var err error
	if in.actor, err = actorOf(it); err != nil {
		return in, err
	}
	if it.ChannelID == "" {
		return in, herald.Errorf(herald.EINVALID, "The interaction names no channel.")
	}
	in.channel = herald.ChannelRef{Platform: Platform, Workspace: it.GuildID, Channel: it.ChannelID}
	switch data := it.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		if it.Type == discordgo.InteractionApplicationCommandAutocomplete {
			in.kind = kindAutocomplete
			in.focus, err = a.focused(data)
			return in, err
		}
		in.kind = kindCommand
		in.line, in.files, err = a.commandLine(data, i18n.Lang(in.actor.Lang))
		return in, err
	case discordgo.MessageComponentInteractionData:
		b, err := parseCustomID(data.CustomID, clickedLabel(it.Message, data.CustomID))
		if err != nil {
			return in, err
		}
		if b.Input != "" {
			in.kind, in.ask = kindAsk, b
			return in, nil
		}
		in.kind, in.line = kindClick, b.Command
		return in, nil
	case discordgo.ModalSubmitInteractionData:
		in.kind = kindSubmit
		in.line, err = submission(data)
		return in, err
	}
	return in, herald.Errorf(herald.EINVALID, "The interaction carries data Herald does not read.")
}

// actorOf reads who acts: the guild member, with their Discord roles as
// the actor's Groups (a role may hold a Herald role, see brands.Grantee),
// or the user in a DM, and the language of their Discord client
// (the interaction's locale; guild_locale is the community's, not the
// person's, so it is not read: a brand's language speaks for its channels).
func actorOf(it *discordgo.Interaction) (herald.Actor, error) {
	var u *discordgo.User
	var nick string
	var roles []string
	if it.Member != nil && it.Member.User != nil {
		u, nick, roles = it.Member.User, it.Member.Nick, it.Member.Roles
	} else if it.User != nil {
		u = it.User
	}
	if u == nil || !snowflake(u.ID) {
		return herald.Actor{}, herald.Errorf(herald.EINVALID, "The interaction names no user.")
	}
	a := herald.Actor{Platform: Platform, UserID: u.ID, Name: displayName(u, nick), Groups: slices.Clone(roles)}
	if l, ok := i18n.Parse(string(it.Locale)); ok {
		a.Lang = l.String()
	}
	return a, nil
}

// displayName is how Discord shows a member: nickname, global name, user name.
func displayName(u *discordgo.User, nick string) string {
	for _, n := range []string{nick, u.GlobalName, u.Username} {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return u.ID
}

// snowflake reports whether s looks like a Discord id.
func snowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// commandPath reads the subcommand (and group) of a /herald invocation,
// and the options given to it.
func (a *Adapter) commandPath(data discordgo.ApplicationCommandInteractionData) (*commands.Def, []*discordgo.ApplicationCommandInteractionDataOption, error) {
	if data.Name != RootCommand || len(data.Options) != 1 || data.Options[0] == nil {
		return nil, nil, herald.Errorf(herald.EINVALID, "This is not a /%s command Herald knows; type /%s help.", RootCommand, RootCommand)
	}
	top := data.Options[0]
	path, opts := top.Name, top.Options
	switch top.Type {
	case discordgo.ApplicationCommandOptionSubCommand:
	case discordgo.ApplicationCommandOptionSubCommandGroup:
		if len(top.Options) != 1 || top.Options[0] == nil || top.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
			return nil, nil, herald.Errorf(herald.EINVALID, "`/%s %s` needs a subcommand.", RootCommand, top.Name)
		}
		path, opts = top.Name+" "+top.Options[0].Name, top.Options[0].Options
	default:
		return nil, nil, herald.Errorf(herald.EINVALID, "This is not a /%s command Herald knows; type /%s help.", RootCommand, RootCommand)
	}
	d, ok := a.defs[path]
	if !ok {
		return nil, nil, herald.Errorf(herald.EINVALID, "`/%s %s` is not a command of this Herald: the registered commands are out of date (an admin runs `herald discord register`).", RootCommand, path)
	}
	return d, opts, nil
}

// commandLine turns a /herald invocation into the command line it stands
// for: the path, the positional values in order, then --flag values, each
// quoted, so that it goes through the same parser (and checks) as typed
// text.
// Attachment options become files (see attachment), in the order given;
// their refusals are worded in l, the reader's language.
func (a *Adapter) commandLine(data discordgo.ApplicationCommandInteractionData, l i18n.Lang) (string, []commands.File, error) {
	d, opts, err := a.commandPath(data)
	if err != nil {
		return "", nil, err
	}
	values := map[string]string{}
	var files []commands.File
	for _, o := range opts {
		if o == nil {
			continue
		}
		p, ok := param(d, o.Name)
		if !ok {
			return "", nil, herald.Errorf(herald.EINVALID, "`%s` has no option %q: the registered commands are out of date (an admin runs `herald discord register`).", d.Path, o.Name)
		}
		if o.Type == discordgo.ApplicationCommandOptionAttachment {
			f, err := a.attachment(o, data.Resolved, l)
			if err != nil {
				return "", nil, err
			}
			files = append(files, f)
			continue
		}
		v, err := optionValue(o, p, data.Resolved)
		if err != nil {
			return "", nil, err
		}
		values[p.Name] = v
	}
	if d.Path == morePath { // the line as typed, through the same parser
		return values["command"], files, nil
	}
	line, err := lineOf(d, values)
	return line, files, err
}

// lineOf writes a command line from separated values.
func lineOf(d *commands.Def, values map[string]string) (string, error) {
	var b strings.Builder
	b.WriteString(d.Path)
	missing := ""
	for _, p := range d.Params {
		if p.Flag || p.Kind == commands.Attachment {
			continue
		}
		v, ok := values[p.Name]
		if !ok || strings.TrimSpace(v) == "" {
			if missing == "" {
				missing = p.Placeholder()
			}
			continue
		}
		if missing != "" {
			return "", herald.Errorf(herald.EINVALID, "`%s` needs %s before %s; usage: `%s`.", d.Path, missing, p.Placeholder(), d.Usage())
		}
		b.WriteString(" " + commands.Quote(v))
	}
	for _, p := range d.Params {
		if v, ok := values[p.Name]; ok && p.Flag && strings.TrimSpace(v) != "" {
			b.WriteString(" --" + p.Name + " " + commands.Quote(v))
		}
	}
	return b.String(), nil
}

func param(d *commands.Def, name string) (commands.Param, bool) {
	for _, p := range d.Params {
		if p.Name == name {
			return p, true
		}
	}
	return commands.Param{}, false
}

// optionValue reads one option as the text the parser expects: strings as
// given, integers in decimal, a member as <@id|name>, a role as
// <@role-id|@name> (see brands.Grantee).
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption, p commands.Param, res *discordgo.ApplicationCommandInteractionDataResolved) (string, error) {
	bad := herald.Errorf(herald.EINVALID, "The value of option %q could not be read.", o.Name)
	switch o.Type {
	case discordgo.ApplicationCommandOptionString:
		s, ok := o.Value.(string)
		if !ok {
			return "", bad
		}
		return s, nil
	case discordgo.ApplicationCommandOptionInteger:
		f, ok := o.Value.(float64)
		if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return "", bad
		}
		return strconv.FormatInt(int64(f), 10), nil
	case discordgo.ApplicationCommandOptionMentionable, discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionRole:
		id, ok := o.Value.(string)
		if !ok || !snowflake(id) {
			return "", bad
		}
		return mention(id, res), nil
	}
	return "", bad
}

// mention writes a member or role the way the User kind reads it.
func mention(id string, res *discordgo.ApplicationCommandInteractionDataResolved) string {
	if res != nil {
		if r := res.Roles[id]; r != nil {
			a := brands.Grantee(Platform, id, r.Name)
			return "<@" + a.UserID + "|" + a.Name + ">"
		}
		if u := res.Users[id]; u != nil {
			nick := ""
			if m := res.Members[id]; m != nil {
				nick = m.Nick
			}
			return "<@" + id + "|" + displayName(u, nick) + ">"
		}
	}
	return "<@" + id + ">"
}

// focused reads the option being typed in an autocomplete interaction.
func (a *Adapter) focused(data discordgo.ApplicationCommandInteractionData) (focus, error) {
	d, opts, err := a.commandPath(data)
	if err != nil {
		return focus{}, err
	}
	for _, o := range opts {
		if o == nil || !o.Focused {
			continue
		}
		p, ok := param(d, o.Name)
		if !ok {
			return focus{}, herald.Errorf(herald.EINVALID, "`%s` has no option %q.", d.Path, o.Name)
		}
		typed := ""
		switch v := o.Value.(type) {
		case string:
			typed = v
		case float64:
			typed = strconv.FormatFloat(v, 'f', -1, 64)
		}
		return focus{def: d, param: p, typed: typed}, nil
	}
	return focus{}, herald.Errorf(herald.EINVALID, "No option is being typed.")
}

// clickedLabel finds the label of the button clicked, in the message.
func clickedLabel(m *discordgo.Message, customID string) string {
	if m == nil {
		return ""
	}
	for _, row := range m.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if b, ok := c.(*discordgo.Button); ok && b.CustomID == customID {
				return b.Label
			}
		}
	}
	return ""
}

// submission reads a modal's answers back into the command line they
// complete (see modal): positional fields quoted after the command, then
// the flags. It reads the text inputs (lenient has brought them out of
// Labels into Action Rows) and ignores any other component.
func submission(data discordgo.ModalSubmitInteractionData) (string, error) {
	command, ok := strings.CutPrefix(data.CustomID, CustomForm)
	if !ok || strings.TrimSpace(command) == "" {
		return "", herald.Errorf(herald.EINVALID, "This form is not one of Herald's.")
	}
	var fields []commands.FormField
	values := map[string]string{}
	for _, row := range data.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			in, ok := c.(*discordgo.TextInput)
			if !ok {
				continue
			}
			name, flag := strings.CutPrefix(in.CustomID, "--")
			if !validInputName(name) {
				return "", herald.Errorf(herald.EINVALID, "This form's answers could not be read.")
			}
			if _, dup := values[name]; dup {
				return "", herald.Errorf(herald.EINVALID, "This form answers %q twice.", name)
			}
			fields = append(fields, commands.FormField{Name: name, Flag: flag})
			values[name] = in.Value
		}
	}
	if len(fields) == 0 {
		return "", herald.Errorf(herald.EINVALID, "This form has no answers.")
	}
	return commands.FormLine(command, fields, values), nil
}

// String names an interaction kind in logs.
func (k kind) String() string {
	return [...]string{"command", "click", "submit", "ask", "autocomplete"}[k]
}
