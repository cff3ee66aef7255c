package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestDatabasePasswordNeverShown runs doctor and a start with database
// settings that carry a password, in each form: no error, no output and
// no usage text shows it.
func TestDatabasePasswordNeverShown(t *testing.T) {
	const pw = "S3cretPw-91"
	for _, db := range []string{
		"postgres://herald:" + pw + "@db.example:5432/herald?sslmode=require",
		"postgresql://herald:" + pw + "@db.example/herald",
		"mysql://root:" + pw + "@db.example/herald",
		"host=db.example user=herald password=" + pw + " dbname=herald",
		"host=db.example password='" + pw + "'",
		"sqlite:herald.db?_auth_user=a&_auth_pass=" + pw,
		"postgres://herald:" + pw + "@db example/bad url",
	} {
		for _, cmd := range []string{"doctor", "run", "migrate"} {
			var out, errOut bytes.Buffer
			m := NewMain()
			m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &out, &errOut
			err := m.ParseFlags([]string{cmd}, envOf(map[string]string{"HERALD_DATABASE": db, "HERALD_HTTP_ADDR": "off"}))
			if err == nil {
				err = m.Run(context.Background())
			}
			m.Close()
			if err == nil {
				t.Errorf("%s with %s: no error", cmd, redactDatabase(db))
				continue
			}
			if all := err.Error() + out.String() + errOut.String(); strings.Contains(all, pw) {
				t.Errorf("%s shows the password of %q:\n%s", cmd, redactDatabase(db), all)
			}
		}
		var usage bytes.Buffer
		m := NewMain()
		m.Stdout, m.Stderr = io.Discard, &usage
		_ = m.ParseFlags([]string{"-h"}, envOf(map[string]string{"HERALD_DATABASE": db}))
		if strings.Contains(usage.String(), pw) {
			t.Errorf("-h shows the password of %q", redactDatabase(db))
		}
	}
}

func TestRedactDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h/db":             "postgres://u:xxxxx@h/db",
		"sqlite:/data/herald.db":           "sqlite:/data/herald.db",
		"host=h password=pw dbname=d":      "host=h password=xxxxx dbname=d",
		"sqlite:x.db?_auth_pass=pw&mode=1": "sqlite:x.db?_auth_pass=xxxxx&mode=1",
	} {
		if got := redactDatabase(in); got != want {
			t.Errorf("redactDatabase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedactDatabaseAtInPassword: a password holding '@' (not
// percent-encoded, as people type it) is hidden whole, in the usage text
// too, which redactDatabase alone guards (before, the part after its
// first '@' was shown).
func TestRedactDatabaseAtInPassword(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@ss@h/db":             "postgres://u:xxxxx@h/db",
		"postgres://u:a@b@c@h:5432/db?x=1":   "postgres://u:xxxxx@h:5432/db?x=1",
		"mysql://root:p@ss@h/db other://x@y": "mysql://root:xxxxx@h/db other://x@y",
	} {
		if got := redactDatabase(in); got != want {
			t.Errorf("redactDatabase(%q) = %q, want %q", in, got, want)
		}
	}
	const tail = "Tail0fPw"
	var usage bytes.Buffer
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, &usage
	_ = m.ParseFlags([]string{"-h"}, envOf(map[string]string{"HERALD_DATABASE": "postgres://herald:S3c@" + tail + "@db.example/herald"}))
	if strings.Contains(usage.String(), tail) {
		t.Errorf("-h shows part of the password:\n%s", usage.String())
	}
}
