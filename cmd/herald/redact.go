package main

import (
	"net/url"
	"regexp"
	"strings"
)

// HERALD_DATABASE may carry a password (postgres://user:secret@host,
// password=secret, _auth_pass=secret). Nothing Herald prints, neither
// doctor nor an error at start, may show it: every text that could hold
// the setting goes through redactDatabase, and Run's error through
// scrubDatabase as a last guard.

const redacted = "xxxxx"

var (
	// userinfoPassword is the password of scheme://user:password@host,
	// also where net/url refuses the rest of the string. The password
	// runs to the last '@' before the host, as net/url reads it, so one
	// holding '@' (not percent-encoded) is hidden whole.
	userinfoPassword = regexp.MustCompile(`(://[^:/@\s]*:)(\S*?)(@[^@\s/?#]*(?:[/?#\s]|$))`)
	// keyPassword is a password given as key=value (libpq's keyword
	// form, URL query parameters, go-sqlite3's _auth_pass).
	keyPassword = regexp.MustCompile(`(?i)((?:^|[\s?&;])(?:password|passwd|pass|pwd|sslpassword|_auth_pass)=)('[^']*'|[^\s&;]*)`)
)

// databasePasswords returns the passwords written in a database setting.
func databasePasswords(s string) []string {
	var out []string
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p)
		}
	}
	for _, m := range userinfoPassword.FindAllStringSubmatch(s, -1) {
		out = append(out, m[2])
	}
	for _, m := range keyPassword.FindAllStringSubmatch(s, -1) {
		if v := strings.Trim(m[2], "'"); v != "" {
			out = append(out, m[2], v)
		}
	}
	return out
}

// redactDatabase returns the database setting with its passwords
// replaced, to be shown.
func redactDatabase(s string) string {
	s = userinfoPassword.ReplaceAllString(s, "${1}"+redacted+"${3}")
	return keyPassword.ReplaceAllString(s, "${1}"+redacted)
}

// scrubDatabase returns err with every password of the database setting
// replaced in its text (errors.Is and As still see the original).
func scrubDatabase(err error, database string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	changed := false
	for _, p := range databasePasswords(database) {
		if p != "" && strings.Contains(text, p) {
			text, changed = strings.ReplaceAll(text, p, redacted), true
		}
	}
	if !changed {
		return err
	}
	return &scrubbedError{text: text, err: err}
}

type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }
