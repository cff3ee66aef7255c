package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/assist/assisttest"
)

// TestMediaCommandsConsole: the media commands through Main in the
// console, the media stored beside the database: a picture added by its
// path with alt text, a second one without, the brand's alt=required rule
// refusing submission until it is described, the audit in words.
func TestMediaCommandsConsole(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "herald.db")
	var pics []string
	for i, size := range []int{40, 24} {
		img := image.NewRGBA(image.Rect(0, 0, size, size*3/4))
		img.Set(1, 1, color.RGBA{R: 200, A: 255})
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("pic%d.png", i+1))
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		pics = append(pics, p)
	}
	script := strings.Join([]string{
		"/as alice", "brand add Acme", `policy "team:1"`, "role @bob editor", "role @carol approver", "guidelines set alt=required",
		"/as bob", `draft "Opening day"`,
		fmt.Sprintf(`media add 1 %s --alt "The team on the steps"`, pics[0]),
		"media add 1 " + pics[1],
		"submit 1",
		`media alt 1 2 "A red dot"`,
		"media move 1 2 1",
		"submit 1",
		"media list 1",
		"audit 1",
	}, "\n") + "\n"
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "HERALD_TIMEZONE": "Europe/Paris"}
	out := MustRunMain(t, env, strings.NewReader(script))
	for _, want := range []string{
		"bob added pic1.png, 40×30",
		"to draft #1 (revision 3). Item 2 has no alt text: `media alt 1 2 TEXT` describes it.",
		"  │ Media:\n  │   1. pic1.png · image/png · ",
		"40×30 · alt: The team on the steps",
		"2. pic2.png · image/png · ",
		"24×18 · ⚠ no alt text",
		"✗ Draft #1 cannot go to review yet: The brand's guidelines require alt text on every picture and video, and item 2 (pic2.png) has none: describe it with `media alt 1 2 TEXT`",
		"bob set the alt text of item 2 (pic2.png) of draft #1 (revision 4).",
		"bob submitted draft #1.",
		"1. pic2.png · image/png · ", "alt: A red dot",
		"added pic1.png, 40×30", "alt text of 2 (pic2.png) set", "moved 2 (pic2.png) to 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("console:\n%s", out)
	}
	// The bytes live in herald-media beside the database.
	n := 0
	filepath.WalkDir(filepath.Join(dir, "herald-media"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n < 2 {
		t.Errorf("herald-media holds %d files; want the two pictures", n)
	}
}

// TestConsoleSuggestAlt: with an LLM that reads images (HERALD_LLM_VISION),
// media alt --suggest through Main sends the picture to the fake
// OpenAI-compatible server and its description becomes the alt text, a
// revision by the person who asked, shown on the updated card.
func TestConsoleSuggestAlt(t *testing.T) {
	llm := assisttest.New(t, assisttest.Answer{Content: "A red dot in the corner of a black square."})
	dir := t.TempDir()
	pic := filepath.Join(dir, "dot.png")
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pic, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off",
		"OPENAI_BASE_URL": llm.URL(), "HERALD_LLM_MODEL": "llava", "HERALD_LLM_VISION": "true"})
	c.send("brand add Acme", "Brand Acme created")
	c.send(`draft "Opening day"`, "Draft #1 created")
	c.send("media add 1 "+pic, "alice added dot.png, 16×16")
	out := c.send("media alt 1 1 --suggest", "only a proposal")
	for _, want := range []string{"Describing item 1 (dot.png) of draft #1", "alt: A red dot in the corner of a", "“A red dot in the corner of a black square.”",
		"set as revision 3 by alice"} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q:\n%s", want, out)
		}
	}
	c.stop()
	reqs := llm.Requests()
	if len(reqs) != 1 || reqs[0].Model != "llava" || len(reqs[0].Messages) != 2 || len(reqs[0].Messages[1].MultiContent) != 2 ||
		!strings.HasPrefix(reqs[0].Messages[1].MultiContent[1].ImageURL.URL, "data:image/png;base64,") {
		t.Errorf("LLM requests %+v; want one with the picture as a data: URL", reqs)
	}
}
