package media

import (
	"fmt"
	"image"
	_ "image/gif"  // decoders for DecodeConfig
	_ "image/jpeg" // decoders for DecodeConfig
	_ "image/png"  // decoders for DecodeConfig
	"io"
	"strings"

	_ "golang.org/x/image/webp" // decoder for DecodeConfig

	"github.com/heraldhq/herald"
)

// maxPixels bounds width × height of an image (a decompression bomb
// declares a huge canvas in a few bytes).
const maxPixels = 100_000_000

// transform checks the item of type item.Type in src (n bytes), writes it
// stripped to w and fills in its dimensions and duration.
func transform(item *Item, src io.ReaderAt, n int64, w io.Writer) error {
	r := io.NewSectionReader(src, 0, n)
	if !item.Video() {
		if err := imageSize(item, r); err != nil {
			return err
		}
		r.Seek(0, io.SeekStart)
	}
	switch item.Type {
	case "image/jpeg":
		o, err := stripJPEG(r, w)
		if o >= 5 { // stored turned a quarter: shown the other way round
			item.Width, item.Height = item.Height, item.Width
		}
		return err
	case "image/png":
		_, err := stripPNG(r, w)
		return err
	case "image/webp":
		return stripWebP(src, n, w)
	case "image/gif":
		return stripGIF(r, w)
	}
	info, err := stripVideo(r, w)
	if err != nil {
		return err
	}
	return item.fromVideo(info)
}

// imageSize decodes an image's header only, and refuses a canvas larger
// than maxPixels before anything else reads it.
func imageSize(item *Item, r io.Reader) error {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil || "image/"+format != item.Type {
		return unreadable(item.Name, item.Type)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return unreadable(item.Name, item.Type)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return herald.Errorf(herald.EINVALID, "%s is %d×%d pixels, more than Herald accepts.", item.Name, cfg.Width, cfg.Height).
			Because(ReasonTooManyPx, herald.Facts{"name": item.Name, "width": cfg.Width, "height": cfg.Height, "max": maxPixels})
	}
	item.Width, item.Height = cfg.Width, cfg.Height
	return nil
}

// acceptedCodecs are the sample entries Herald publishes, by track handler.
var acceptedCodecs = map[string]map[string]bool{
	"vide": {"avc1": true, "avc3": true},
	"soun": {"mp4a": true},
}

// codecNames words the codecs people may meet, for refusals.
var codecNames = map[string]string{"hvc1": "HEVC", "hev1": "HEVC", "dvh1": "Dolby Vision", "dvhe": "Dolby Vision",
	"av01": "AV1", "vp09": "VP9", "vp08": "VP8", "apcn": "ProRes", "apch": "ProRes", "apcs": "ProRes", "apco": "ProRes",
	"ap4h": "ProRes", "mp4v": "MPEG-4 Part 2", "ac-3": "AC-3", "ec-3": "E-AC-3", "Opus": "Opus", "fLaC": "FLAC",
	"alac": "ALAC", "lpcm": "PCM", "sowt": "PCM", "twos": "PCM", "jpeg": "Motion JPEG"}

// fromVideo checks a video's tracks and fills in its dimensions and
// duration: at least one H.264 video track, every video track H.264,
// every sound track AAC.
func (item *Item) fromVideo(v videoInfo) error {
	var video *track
	for i, t := range v.tracks {
		ok, checked := acceptedCodecs[t.handler]
		if !checked {
			continue // timecode, text, metadata tracks
		}
		if len(t.codecs) == 0 {
			return unreadable(item.Name, item.Type)
		}
		for _, c := range t.codecs {
			if !ok[c] {
				return unsupported(item.Name, item.Type, codecWord(c))
			}
		}
		if t.handler == "vide" && video == nil {
			video = &v.tracks[i]
		}
	}
	if video == nil {
		return unsupported(item.Name, item.Type, "no video track")
	}
	item.Width, item.Height = video.width, video.height
	if video.rotated {
		item.Width, item.Height = video.height, video.width
	}
	item.Duration = v.Duration()
	return nil
}

func codecWord(c string) string {
	c = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, c)
	if name, ok := codecNames[c]; ok {
		return fmt.Sprintf("%s, %s", name, c)
	}
	return c
}
