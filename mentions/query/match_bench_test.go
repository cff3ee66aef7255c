package query

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
)

// loadPosts reads testdata/posts.jsonl: 200 realistic posts in English and
// French (social posts, Reddit and HN threads, news articles) with brand
// names, URLs, hashtags and emoji.
func loadPosts(tb testing.TB) []Item {
	tb.Helper()
	f, err := os.Open("testdata/posts.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var items []Item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var it Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			tb.Fatalf("posts.jsonl: %v", err)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return items
}

// benchBrands are brands that occur in the posts.
var benchBrands = []string{
	"acme", "globex", "initech", "umbrella", "hooli", "soylent", "stark", "wonka", "cyberdyne", "tyrell",
	"aperture", "monarch", "pied piper", "vandelay", "dunder mifflin", "crédit éclair", "banque lumière",
	"château mérignac", "pâtisserie noël", "boulangerie martin", "café lumière", "épicerie laurent",
}

// benchWatches makes n watches the way many brands would write them: most
// about brands that appear in none of the posts (made-up names), about 5%
// about brands that do; words, phrases, OR groups, exclusions and filters.
func benchWatches(tb testing.TB, n int) map[int64]*Query {
	tb.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	syll := []string{"ka", "lo", "mi", "zor", "vex", "tra", "nu", "bel", "quo", "dri", "fen", "sa", "ro", "gli", "pax", "tem", "ul", "yon", "ché", "beau"}
	name := func() string {
		if r.IntN(20) == 0 {
			return benchBrands[r.IntN(len(benchBrands))]
		}
		var b strings.Builder
		for k := 2 + r.IntN(2); k > 0; k-- {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		return b.String()
	}
	quote := func(s string) string {
		if strings.Contains(s, " ") {
			return `"` + s + `"`
		}
		return s
	}
	watches := make(map[int64]*Query, n)
	for id := int64(1); len(watches) < n; id++ {
		b, b2 := name(), name()
		var s string
		switch r.IntN(10) {
		case 0:
			s = quote(b)
		case 1:
			s = fmt.Sprintf(`"%s app" OR "%s store"`, b, b)
		case 2:
			s = quote(b) + " -job -hiring -emploi -recrute"
		case 3:
			s = fmt.Sprintf(`(%s OR %s) "new store"`, quote(b), quote(b2))
		case 4:
			s = quote(b) + " lang:fr"
		case 5:
			s = quote(b) + " site:reddit.com"
		case 6:
			s = quote(b) + " -author:spam4u.bsky.social -author:spam5u.bsky.social"
		case 7:
			s = fmt.Sprintf("%s (panne OR outage OR down OR breach OR fuite)", quote(b))
		case 8:
			s = fmt.Sprintf("%s OR %s OR %s", quote(b), quote(b2), quote(name()))
		case 9:
			s = quote(b) + " -source:webhook -site:pinterest.com"
		}
		q, err := parse(s)
		if err != nil {
			tb.Fatalf("%q: %v", s, err)
		}
		watches[id] = q
	}
	return watches
}

func postBytes(items []Item) int64 {
	var n int64
	for i := range items {
		n += int64(len(items[i].Title) + len(items[i].Text))
	}
	return n
}

// BenchmarkIndex matches every post against every watch through an Index;
// one op is the whole corpus. It also reports the live heap with the index
// built (heap-MB, everything in the process) and what building the watches
// and the index added (index-MB).
func BenchmarkIndex(b *testing.B) {
	items := loadPosts(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("watches=%d", n), func(b *testing.B) {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			ix := NewIndex(benchWatches(b, n))
			runtime.GC()
			runtime.ReadMemStats(&m1)
			matches := 0
			for i := range items {
				matches += len(ix.Match(&items[i]))
			}
			b.SetBytes(postBytes(items))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for b.Loop() {
				for i := range items {
					ix.Match(&items[i])
				}
			}
			b.StopTimer()
			reportCPU(b, c0, postBytes(items))
			b.ReportMetric(float64(m1.HeapAlloc)/1e6, "heap-MB")
			b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/1e6, "index-MB")
			b.ReportMetric(float64(matches)/float64(len(items)), "matches/post")
			runtime.KeepAlive(ix)
		})
	}
}

// BenchmarkNaive is the baseline: each watch's Query.Match in turn.
func BenchmarkNaive(b *testing.B) {
	items := loadPosts(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("watches=%d", n), func(b *testing.B) {
			watches := benchWatches(b, n)
			qs := make([]*Query, 0, len(watches))
			for _, q := range watches {
				qs = append(qs, q)
			}
			b.SetBytes(postBytes(items))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for b.Loop() {
				for i := range items {
					for _, q := range qs {
						q.Match(&items[i])
					}
				}
			}
			b.StopTimer()
			reportCPU(b, c0, postBytes(items))
		})
	}
}

// BenchmarkScan is the naive scan without its refolding: each item folded
// once, then every watch's query evaluated on the folded text by substring
// search. It shows what the dictionary and the covers add beyond folding
// once.
func BenchmarkScan(b *testing.B) {
	items := loadPosts(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("watches=%d", n), func(b *testing.B) {
			watches := benchWatches(b, n)
			qs := make([]*Query, 0, len(watches))
			for _, q := range watches {
				qs = append(qs, q)
			}
			var f folded
			b.SetBytes(postBytes(items))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for b.Loop() {
				for i := range items {
					f.reset()
					f.add(items[i].Title)
					f.add(items[i].Text)
					facts := itemFacts{it: &items[i]}
					for _, q := range qs {
						q.root.match(f.buf, &facts)
					}
				}
			}
			b.StopTimer()
			reportCPU(b, c0, postBytes(items))
		})
	}
}

// BenchmarkFold is folding alone, the floor under Index.
func BenchmarkFold(b *testing.B) {
	items := loadPosts(b)
	var f folded
	b.SetBytes(postBytes(items))
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		for i := range items {
			f.reset()
			f.add(items[i].Title)
			f.add(items[i].Text)
		}
	}
	b.StopTimer()
	reportCPU(b, c0, postBytes(items))
}

// reportCPU reports throughput per second of CPU time used by the process
// since c0 (cpu-MB/s): unlike MB/s, it does not drop when other work on a
// shared machine takes the core away. It counts the garbage collector's
// work too.
func reportCPU(b *testing.B, c0, bytesPerOp int64) {
	c1 := cpuTime()
	if c0 < 0 || c1 <= c0 {
		return
	}
	b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/(float64(c1-c0)/1e9), "cpu-MB/s")
}

// TestBenchWatchesMatch keeps the benchmark honest: its watches match some
// posts, and the index agrees with the naive scan on every post.
func TestBenchWatchesMatch(t *testing.T) {
	items := loadPosts(t)
	watches := benchWatches(t, 1000)
	ix := NewIndex(watches)
	total := 0
	for i := range items {
		got, want := ix.Match(&items[i]), naive(watches, &items[i])
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("post %d: index %v, naive %v", i, got, want)
		}
		total += len(got)
	}
	if total == 0 {
		t.Fatal("no watch matches any post")
	}
	t.Logf("%d posts, %d matches", len(items), total)
}

// TestIndexMemory keeps the memory target true: 10,000 watches and their
// index take well under 100 MB of heap.
func TestIndexMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 10,000 watches")
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	ix := NewIndex(benchWatches(t, 10000))
	runtime.GC()
	runtime.ReadMemStats(&m1)
	grew := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
	if ix.Len() != 10000 || grew > 100<<20 {
		t.Fatalf("%d watches take %.1f MB of heap, want under 100 MB", ix.Len(), float64(grew)/(1<<20))
	}
	t.Logf("10,000 watches: %.1f MB of heap", float64(grew)/(1<<20))
	runtime.KeepAlive(ix)
}
