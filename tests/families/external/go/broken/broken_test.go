// Does not compile: the gobench tests expect the compiler's message in the case.
package broken

import "testing"

func BenchmarkBroken(b *testing.B) {
	for i := 0; i < b.N; i++ {
		undefinedFunction()
	}
}
