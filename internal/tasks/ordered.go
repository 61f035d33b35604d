package tasks

import "context"

// Ordered calls do(ctx, i) for every i in [0,n) on workers goroutines (at
// least one) and emit(i, v) on the caller's goroutine in increasing order
// of i, whatever order the calls finish in, so that what emit writes is
// the same whatever the number of workers. At most 2 x workers results
// wait for emission. The first error of do or emit stops the run and is
// returned as it is; on cancellation of ctx, Ordered returns ctx.Err().
// Either way it returns without waiting for calls in flight: their results
// are dropped, nothing is emitted after it returns, and do's context is
// cancelled then. Each call of do must own whatever it mutates.
//
// Run is Ordered with a journal; the engine's callers (calibrate) use
// Ordered directly.
func Ordered[T any](ctx context.Context, n, workers int, do func(ctx context.Context, i int) (T, error), emit func(i int, v T) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	workers = max(workers, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i   int
		v   T
		err error
	}
	jobs := make(chan int)
	results := make(chan result, workers)
	window := make(chan struct{}, 2*workers) // dispatched, not yet emitted
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range jobs {
				v, err := do(ctx, i)
				select {
				case results <- result{i, v, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}

	pending := map[int]T{}
	for i := range n {
		for {
			if v, ok := pending[i]; ok {
				delete(pending, i)
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := emit(i, v); err != nil {
					return err
				}
				<-window
				break
			}
			select {
			case r := <-results:
				if r.err != nil {
					if err := ctx.Err(); err != nil {
						return err // the call failed because the run was cancelled
					}
					return r.err
				}
				pending[r.i] = r.v
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}
