// chanbench: Go's own channel, measured the way velo's channel family measures
// go_chan (pattern=throughput), so the two can be compared on one machine.
//
// `producers` goroutines send their share of N messages of `bytes` bytes (a fixed
// array, stamped with the producer and sequence number at both ends, as velo's
// messages are) on one channel of capacity `cap`; `consumers` goroutines receive
// until it is closed, count what they got and check the stamps of every message.
// One op = one message delivered. The time runs from the start of the goroutines to
// the last consumer finishing, divided by N.
//
// Output is Go benchmark format, one line per repetition:
//
//	BenchmarkChan/cap=64/bytes=64/p=1/c=1-2   2000000   95.1 ns/op
//
// (the -2 is GOMAXPROCS). N doubles from 1000 until one run takes -benchtime,
// like `go test -bench`; then -count runs of that N are printed.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

type options struct {
	capacity, producers, consumers int
	bytes                          int
	benchtime                      time.Duration
	count                          int
}

// Messages are fixed-size arrays, copied by value through the channel like velo's.
type (
	m8    [8]byte
	m16   [16]byte
	m32   [32]byte
	m64   [64]byte
	m128  [128]byte
	m256  [256]byte
	m512  [512]byte
	m1024 [1024]byte
	m2048 [2048]byte
	m4096 [4096]byte
)

func (m *m8) buf() []byte    { return m[:] }
func (m *m16) buf() []byte   { return m[:] }
func (m *m32) buf() []byte   { return m[:] }
func (m *m64) buf() []byte   { return m[:] }
func (m *m128) buf() []byte  { return m[:] }
func (m *m256) buf() []byte  { return m[:] }
func (m *m512) buf() []byte  { return m[:] }
func (m *m1024) buf() []byte { return m[:] }
func (m *m2048) buf() []byte { return m[:] }
func (m *m4096) buf() []byte { return m[:] }

// message is satisfied by *M for each array type above.
type message[M any] interface {
	*M
	buf() []byte
}

const tailMix = 0x9E3779B97F4A7C15

func stamp(producer, seq uint64) uint64 { return producer<<48 | seq }

// run sends n messages and returns the elapsed time; it fails loudly if any
// message is lost, duplicated or torn.
func run[M any, PM message[M]](o options, n int) time.Duration {
	ch := make(chan M, o.capacity)
	var producers sync.WaitGroup
	var consumers sync.WaitGroup
	counts := make([]int, o.consumers)
	faults := make([]error, o.consumers)
	start := time.Now()
	for p := 0; p < o.producers; p++ {
		producers.Add(1)
		share := n/o.producers + btoi(p < n%o.producers)
		go func(p, share int) {
			defer producers.Done()
			var m M
			b := PM(&m).buf()
			for seq := 0; seq < share; seq++ {
				s := stamp(uint64(p), uint64(seq))
				binary.LittleEndian.PutUint64(b, s)
				if len(b) >= 16 {
					binary.LittleEndian.PutUint64(b[len(b)-8:], s^tailMix)
				}
				ch <- m
			}
		}(p, share)
	}
	for c := 0; c < o.consumers; c++ {
		consumers.Add(1)
		go func(c int) {
			defer consumers.Done()
			for m := range ch {
				b := PM(&m).buf()
				head := binary.LittleEndian.Uint64(b)
				if len(b) >= 16 && binary.LittleEndian.Uint64(b[len(b)-8:]) != head^tailMix && faults[c] == nil {
					faults[c] = fmt.Errorf("torn message %x", head)
				}
				counts[c]++
			}
		}(c)
	}
	producers.Wait()
	close(ch)
	consumers.Wait()
	elapsed := time.Since(start)
	total := 0
	for c := range counts {
		total += counts[c]
		if faults[c] != nil {
			fmt.Fprintln(os.Stderr, "chanbench:", faults[c])
			os.Exit(1)
		}
	}
	if total != n {
		fmt.Fprintf(os.Stderr, "chanbench: sent %d messages, received %d\n", n, total)
		os.Exit(1)
	}
	return elapsed
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func bench[M any, PM message[M]](o options) {
	n := 1000
	for run[M, PM](o, n) < o.benchtime && n < 1<<30 {
		n *= 2
	}
	name := fmt.Sprintf("BenchmarkChan/cap=%d/bytes=%d/p=%d/c=%d-%d", o.capacity, o.bytes, o.producers,
		o.consumers, runtime.GOMAXPROCS(0))
	for i := 0; i < o.count; i++ {
		elapsed := run[M, PM](o, n)
		fmt.Printf("%s\t%d\t%.2f ns/op\n", name, n, float64(elapsed.Nanoseconds())/float64(n))
	}
}

func main() {
	var o options
	flag.IntVar(&o.capacity, "cap", 64, "channel capacity (0: unbuffered)")
	flag.IntVar(&o.producers, "producers", 1, "sending goroutines")
	flag.IntVar(&o.consumers, "consumers", 1, "receiving goroutines")
	flag.IntVar(&o.bytes, "bytes", 64, "message size: a power of two, 8..4096")
	flag.DurationVar(&o.benchtime, "benchtime", 200*time.Millisecond, "time one measured run should take at least")
	flag.IntVar(&o.count, "count", 1, "measured runs to print")
	flag.Parse()
	if o.capacity < 0 || o.producers < 1 || o.consumers < 1 || o.count < 1 {
		fmt.Fprintln(os.Stderr, "chanbench: -cap must be >= 0, -producers, -consumers and -count >= 1")
		os.Exit(2)
	}
	switch o.bytes {
	case 8:
		bench[m8](o)
	case 16:
		bench[m16](o)
	case 32:
		bench[m32](o)
	case 64:
		bench[m64](o)
	case 128:
		bench[m128](o)
	case 256:
		bench[m256](o)
	case 512:
		bench[m512](o)
	case 1024:
		bench[m1024](o)
	case 2048:
		bench[m2048](o)
	case 4096:
		bench[m4096](o)
	default:
		fmt.Fprintln(os.Stderr, "chanbench: -bytes must be a power of two from 8 to 4096")
		os.Exit(2)
	}
}
