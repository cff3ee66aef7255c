package x

// punycodeLen is the length of label as punycode.toASCII encodes it
// (RFC 3492): itself when ASCII, otherwise xn-- and its encoding.
func punycodeLen(label string) int {
	rs := []rune(label)
	basic := 0
	for _, r := range rs {
		if r < 0x80 {
			basic++
		}
	}
	if basic == len(rs) {
		return len(rs)
	}
	return len("xn--") + len(punycode(rs, basic))
}

// punycode encodes rs (RFC 3492, section 6.3), basic of them ASCII.
func punycode(rs []rune, basic int) []byte {
	const base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
	out := make([]byte, 0, len(rs)*2)
	for _, r := range rs {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	if basic > 0 {
		out = append(out, '-')
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	n, delta, bias, h := 0x80, 0, 72, basic
	for h < len(rs) {
		m := rune(0x7FFFFFFF)
		for _, r := range rs {
			if int(r) >= n && r < m {
				m = r
			}
		}
		delta += (int(m) - n) * (h + 1)
		n = int(m)
		for _, r := range rs {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := k - bias
				t = max(tmin, min(tmax, t))
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out
}
