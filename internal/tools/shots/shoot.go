package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// pageWidth is the window width of each kind of page, in CSS pixels.
var pageWidth = map[string]int{"console": 800, "slack": 760, "discord": 760}

// write writes the page's JSON capture and HTML under out and, unless
// htmlOnly, photographs the HTML to NAME.png (the HTML is then removed).
func (p page) write(ctx context.Context, out, chromium string, htmlOnly bool) error {
	if p.json != "" {
		if err := os.WriteFile(filepath.Join(out, p.name+".json"), []byte(strings.TrimSpace(p.json)+"\n"), 0o644); err != nil {
			return err
		}
	}
	htmlPath, err := filepath.Abs(filepath.Join(out, p.name+".html"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(htmlPath, []byte(p.html), 0o644); err != nil {
		return err
	}
	if htmlOnly {
		return nil
	}
	defer os.Remove(htmlPath)
	kind, _, _ := strings.Cut(p.name, "-")
	pngPath := filepath.Join(out, p.name+".png")
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--force-device-scale-factor=1.5", "--no-first-run", "--user-data-dir="+filepath.Join(os.TempDir(), "herald-shots-chromium"),
		fmt.Sprintf("--window-size=%d,%d", pageWidth[kind], 2400), "--screenshot="+pngPath, "file://"+htmlPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", chromium, err, stderr.String())
	}
	return trimPNG(pngPath, 24)
}

// trimPNG cuts the rows of background colour (the bottom-left pixel's)
// below the content of the picture at path, keeping margin pixels.
func trimPNG(path string, margin int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return err
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Max.Y-1)
	last := b.Min.Y
rows:
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.At(x, y) != bg {
				last = y
				break rows
			}
		}
	}
	cut := image.Rect(b.Min.X, b.Min.Y, b.Max.X, min(b.Max.Y, last+1+margin))
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return fmt.Errorf("%s: cannot crop a %T", path, img)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, sub.SubImage(cut)); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
