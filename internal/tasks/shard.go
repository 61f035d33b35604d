package tasks

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is the part K of N of a run's tasks that one process does. Task i
// belongs to shard i mod N: the same subset on every machine.
type Shard struct{ K, N int }

// All is the whole run: one shard.
var All = Shard{0, 1}

// ParseShard parses "K/N" with 0 <= K < N.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want K/N, as in 0/4", s)
	}
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want K/N with whole numbers, as in 0/4", s)
	}
	sh := Shard{ki, ni}
	if err := sh.Check(); err != nil {
		return Shard{}, err
	}
	return sh, nil
}

// Check reports a shard with N < 1 or K outside 0..N-1.
func (s Shard) Check() error {
	if s.N < 1 || s.K < 0 || s.K >= s.N {
		return fmt.Errorf("shard %d/%d: want K/N with N at least 1 and K from 0 to N-1", s.K, s.N)
	}
	return nil
}

// Count is the number of tasks of 0..n-1 that belong to the shard.
func (s Shard) Count(n int) int {
	if s.K >= n {
		return 0
	}
	return (n-s.K-1)/s.N + 1
}

// Owns reports whether task i belongs to the shard.
func (s Shard) Owns(i int) bool { return i%s.N == s.K }

// String returns "K/N".
func (s Shard) String() string { return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N) }
