package sim

import "sync"

// Parallel calls work(i) for every i in [0,n) on up to workers goroutines
// and emit(i, result) on the calling goroutine in increasing order of i,
// whatever order the work finishes in. At most 2*workers results wait for
// emission, so memory stays bounded. The first error from emit stops new
// work and is returned. Each work call must own whatever it mutates.
func Parallel[T any](n, workers int, work func(i int) T, emit func(i int, v T) error) error {
	if workers < 1 {
		workers = 1
	}
	type result struct {
		i int
		v T
	}
	jobs := make(chan int)
	results := make(chan result, workers)
	window := make(chan struct{}, 2*workers) // results started but not yet emitted
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- result{i, work(i)}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case window <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- i:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	pending := map[int]T{}
	next := 0
	var err error
	for r := range results {
		if err != nil {
			continue // drain
		}
		pending[r.i] = r.v
		for {
			v, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if err = emit(next, v); err != nil {
				close(stop)
				break
			}
			next++
			<-window
		}
	}
	return err
}
