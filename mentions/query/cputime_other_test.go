//go:build !unix

package query

func cpuTime() int64 { return -1 }
