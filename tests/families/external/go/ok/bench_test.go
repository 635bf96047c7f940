// Benchmarks the gobench tests measure: one that passes with allocations and a
// custom metric, and one that fails.
package ok

import "testing"

var sink []byte

func BenchmarkAlloc(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = make([]byte, 64)
	}
	b.ReportMetric(5, "msgs/op")
}

func BenchmarkFail(b *testing.B) {
	b.Fatal("the fixture is broken")
}

func Benchmarklowercase(b *testing.B) {} // not a benchmark by Go's rule

func BenchmarkSub(b *testing.B) {
	b.Run("a", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
		}
	})
	b.Run("size=8", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink = make([]byte, 8)
		}
	})
}
