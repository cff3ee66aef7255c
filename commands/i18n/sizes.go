package i18n

import "regexp"

// sizeUnits finds the sizes media.Bytes writes: "148 B", "412 KB",
// "16.8 MB", "1.2 GB".
var sizeUnits = regexp.MustCompile(`\b(\d+)(?:\.(\d+))? (B|KB|MB|GB)\b`)

// frenchUnits are the French units of sizes: octets.
var frenchUnits = map[string]string{"B": "o", "KB": "Ko", "MB": "Mo", "GB": "Go"}

// Sizes rewrites, in l, the sizes in s as media.Bytes wrote them in
// English: in French "16.8 MB" is "16,8 Mo" (a no-break space before the
// unit). Other text is left as it is.
func (l Lang) Sizes(s string) string {
	if l != French {
		return s
	}
	return sizeUnits.ReplaceAllStringFunc(s, func(m string) string {
		p := sizeUnits.FindStringSubmatch(m)
		n := p[1]
		if p[2] != "" {
			n += "," + p[2]
		}
		return n + "\u00a0" + frenchUnits[p[3]]
	})
}
