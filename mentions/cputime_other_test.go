//go:build !unix

package mentions

func cpuTime() int64 { return -1 }
