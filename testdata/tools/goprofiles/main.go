// Command goprofiles writes the Go profiles under testdata/go with the Go runtime's own profiler
// (runtime/pprof, standard library only: no module download). The files are committed; tests
// never run this. Regenerate them with
//
//	cd testdata/tools/goprofiles && go run main.go ../../go
//
// and re-run the tests: they compute their expectations from the files, so new samples are fine.
//
// Outputs (gzipped pprof unless said otherwise):
//
//	cpu.pb.gz        CPU profile of four workloads (fib, sort, sha256, json) run as "requests";
//	                 pprof labels "function" (the workload) and "profile_id" (16 hex digits per
//	                 request, as otel-profiling-go labels spans)
//	cpu-after.pb.gz  the same program with json replaced by gzip and the other weights shifted,
//	                 for diffs (functions only on one side)
//	cpu-short.pb.gz  a short CPU profile with no labels (a few dozen samples)
//	heap.pb.gz       heap profile (alloc_objects, alloc_space, inuse_objects, inuse_space) of
//	                 allocations reached through a random walk over handler functions (thousands
//	                 of distinct stacks), part of them still live
//	heap.pb          the same heap profile, not gzipped
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"time"
)

var sink int

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func sortWork(rng *rand.Rand) {
	xs := make([]int, 20000)
	for i := range xs {
		xs[i] = rng.Int()
	}
	sort.Ints(xs)
	sink += xs[0]
}

func hashWork() {
	buf := bytes.Repeat([]byte("flarestack"), 50000)
	sum := sha256.Sum256(buf)
	sink += int(sum[0])
}

type order struct {
	ID    int               `json:"id"`
	Items []string          `json:"items"`
	Tags  map[string]string `json:"tags"`
}

func jsonWork(rng *rand.Rand) {
	orders := make([]order, 200)
	for i := range orders {
		orders[i] = order{ID: rng.Int(), Items: []string{"a", "b", "c"}, Tags: map[string]string{"k": "v"}}
	}
	b, _ := json.Marshal(orders)
	var back []order
	_ = json.Unmarshal(b, &back)
	sink += len(back)
}

func gzipWork(rng *rand.Rand) {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(w, "line %d %d\n", i, rng.Intn(10))
	}
	w.Close()
	r, _ := gzip.NewReader(&out)
	n, _ := io.Copy(io.Discard, r)
	sink += int(n)
}

type workload struct {
	name   string
	weight int
	run    func(rng *rand.Rand)
}

// serve runs weighted "requests" on two goroutines for d, each under its own labels.
func serve(d time.Duration, seed int64, ws []workload) {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	done := make(chan struct{})
	for g := 0; g < 2; g++ {
		go func(g int) {
			rng := rand.New(rand.NewSource(seed + int64(g)))
			deadline := time.Now().Add(d)
			for time.Now().Before(deadline) {
				pick := rng.Intn(total)
				for _, w := range ws {
					if pick < w.weight {
						labels := pprof.Labels("function", w.name, "profile_id", fmt.Sprintf("%016x", rng.Uint64()))
						pprof.Do(context.Background(), labels, func(context.Context) { w.run(rng) })
						break
					}
					pick -= w.weight
				}
			}
			done <- struct{}{}
		}(g)
	}
	<-done
	<-done
}

func cpuProfile(path string, d time.Duration, seed int64, ws []workload) {
	f := create(path)
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	serve(d, seed, ws)
	pprof.StopCPUProfile()
	closeFile(f)
}

// keep holds the live part of the heap workload, so inuse_* are not zero.
var keep [][]byte

// The heap workload reaches its allocation sites through a seeded random walk over handler
// functions, so the profile has thousands of distinct stacks, as a real service's heap has.
var steps []func(rng *rand.Rand, depth int)

func init() {
	steps = []func(*rand.Rand, int){parseRequest, decodeBody, lookupCache, queryIndex, mergeResults,
		buildResponse, encodeBody, writeLog}
}

func next(rng *rand.Rand, depth int) {
	if depth == 0 {
		allocate(rng)
		return
	}
	steps[rng.Intn(len(steps))](rng, depth-1)
}

//go:noinline
func parseRequest(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func decodeBody(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func lookupCache(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func queryIndex(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func mergeResults(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func buildResponse(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func encodeBody(rng *rand.Rand, depth int) { next(rng, depth) }

//go:noinline
func writeLog(rng *rand.Rand, depth int) { next(rng, depth) }

func allocate(rng *rand.Rand) {
	var b []byte
	switch rng.Intn(4) {
	case 0:
		b = allocSmall(rng.Intn(512))
	case 1:
		b = allocMedium(rng.Intn(8192))
	case 2:
		b = allocLarge()
	default:
		m := allocMap(rng.Intn(64))
		sink += len(m)
		return
	}
	if rng.Intn(20) == 0 {
		keep = append(keep, b)
	}
	sink += len(b)
}

//go:noinline
func allocSmall(n int) []byte { return make([]byte, 64+n) }

//go:noinline
func allocMedium(n int) []byte { return make([]byte, 4096+n) }

//go:noinline
func allocLarge() []byte { return make([]byte, 64<<10) }

//go:noinline
func allocMap(n int) map[string][]int {
	m := map[string][]int{}
	for i := 0; i < n; i++ {
		m[fmt.Sprintf("key-%d", i)] = make([]int, i)
	}
	return m
}

func heapWork() {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 20000; i++ {
		next(rng, 1+rng.Intn(4))
	}
}

func heapProfile(gzPath, rawPath string) {
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		panic(err)
	}
	write(gzPath, buf.Bytes())
	r, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		panic(err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		panic(err)
	}
	write(rawPath, raw)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run main.go OUTDIR")
		os.Exit(2)
	}
	out := os.Args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		panic(err)
	}
	runtime.MemProfileRate = 4 << 10 // more heap samples than the default 512 KiB
	heapWork()
	runtime.GC() // inuse_* reflect the last completed GC
	heapProfile(filepath.Join(out, "heap.pb.gz"), filepath.Join(out, "heap.pb"))

	fibW := workload{"fib", 4, func(*rand.Rand) { sink += fib(24) }}
	sortW := workload{"sort", 2, sortWork}
	hashW := workload{"sha256", 2, func(*rand.Rand) { hashWork() }}
	cpuProfile(filepath.Join(out, "cpu.pb.gz"), 8*time.Second, 1,
		[]workload{fibW, sortW, hashW, {"json", 2, jsonWork}})
	cpuProfile(filepath.Join(out, "cpu-after.pb.gz"), 8*time.Second, 2,
		[]workload{{"fib", 2, fibW.run}, {"sort", 3, sortWork}, hashW, {"gzip", 3, gzipWork}})

	f := create(filepath.Join(out, "cpu-short.pb.gz"))
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		sink += fib(20)
		hashWork()
	}
	pprof.StopCPUProfile()
	closeFile(f)
}

func create(path string) *os.File {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	return f
}

func closeFile(f *os.File) {
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func write(path string, b []byte) {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		panic(err)
	}
}
