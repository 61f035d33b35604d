package tasks

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// MachineMemory is the memory this process may use, in bytes: the least of
// the machine's (MemTotal in /proc/meminfo) and its cgroup's limit (v2
// memory.max, or v1 memory.limit_in_bytes), whichever can be read. ok is
// false when none can.
func MachineMemory() (bytes int64, ok bool) {
	bytes = math.MaxInt64
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, found := strings.CutPrefix(sc.Text(), "MemTotal:"); found {
				fs := strings.Fields(rest)
				if len(fs) == 2 && fs[1] == "kB" {
					if kb, err := strconv.ParseInt(fs[0], 10, 64); err == nil && kb > 0 {
						bytes, ok = kb<<10, true
					}
				}
			}
		}
		f.Close()
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < bytes {
			bytes, ok = n, true // "max" (no limit) does not parse
		}
	}
	return bytes, ok
}

// DefaultMemoryShare is the share of MachineMemory a run may plan to use
// by default: the rest is for the system and whatever else runs.
const DefaultMemoryShare = 0.75

// ParseBytes reads a size: a number with an optional unit K, M, G or T
// (powers of 1024; "KB", "KiB" and lower case are the same), as in 512M or
// 1.5G; a plain number is bytes.
func ParseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = t[:n-1]
		}
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || !(x > 0) || x*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q: want a positive number of bytes, with K, M, G or T for powers of 1024 (as in 512M or 4G)", s)
	}
	return int64(x * mult), nil
}

// FormatBytes writes a size with a unit, as in "1.5 GiB".
func FormatBytes(n int64) string {
	x := float64(n)
	for _, u := range []string{"B", "KiB", "MiB", "GiB"} {
		if x < 1024 {
			if u == "B" {
				return fmt.Sprintf("%d B", n)
			}
			return fmt.Sprintf("%.1f %s", x, u)
		}
		x /= 1024
	}
	return fmt.Sprintf("%.1f TiB", x)
}
