package sweep

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/returnsim/returnsim/internal/tasks"
)

// MergeOptions say where a merge writes.
type MergeOptions struct {
	Out     string
	Force   bool
	Command []string // for the manifest, which keeps the version that simulated
}

// rerunShards says how to recover from shards that did not finish.
const rerunShards = "run those shards again (the same command or job array: a finished shard keeps its journal and redoes nothing), then merge again"

// unfinishedShard says why dir holds no finished shard, or "" when it has
// a manifest.json (which ReadManifest then checks).
func unfinishedShard(dir string) string {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return "no such folder: the shard never started"
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); !errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, tasks.JournalName)); err == nil {
		return "no manifest.json, a journal: the shard failed, was stopped or is still running"
	}
	return "no manifest.json: the shard failed before its first task or is still starting"
}

// Merge joins the folders of the shards of one sweep into opt.Out: the same
// runs.csv, points.csv and sensitivity.csv, byte for byte, as one unsharded
// run. It checks that every folder comes from the same sweep file, seed,
// design, scenario, replicates and outputs, that each shard K/N appears
// exactly once and that each runs.csv is the one its manifest hashed. A
// shard missing or not finished (a folder without manifest.json) is named
// with all the others, so that one look says which shards to run again.
// Rows are streamed: memory holds one row per shard and, for sobol and
// morris designs, each point's factors and output means.
func Merge(dirs []string, opt MergeOptions) (*Manifest, error) {
	if len(dirs) == 0 {
		return nil, errors.New("merge: no folders given")
	}
	// a folder without a manifest holds no finished shard: name every one,
	// with the shards the finished ones leave missing, before refusing
	var mans []*Manifest
	var finished, unfinished []string
	for _, d := range dirs {
		if why := unfinishedShard(d); why != "" {
			unfinished = append(unfinished, d+" ("+why+")")
			continue
		}
		m, err := ReadManifest(d)
		if err != nil {
			return nil, err
		}
		if len(m.MergedFrom) > 0 {
			return nil, fmt.Errorf("%s is a merged sweep: merge the shard folders it came from", d)
		}
		if len(mans) > 0 && identity(m) != identity(mans[0]) {
			return nil, fmt.Errorf("merge: %s is not a shard of the sweep in %s: %s", d, finished[0], differences(mans[0], m))
		}
		mans, finished = append(mans, m), append(finished, d)
	}
	if len(finished) == 0 {
		return nil, fmt.Errorf("merge: no finished shard: %s; %s", strings.Join(unfinished, ", "), rerunShards)
	}
	dirs = finished
	shards := make([]tasks.Shard, len(dirs))
	for i, m := range mans {
		sh, err := tasks.ParseShard(m.Shard)
		if err != nil {
			return nil, fmt.Errorf("%s: manifest.json: %w", dirs[i], err)
		}
		if i > 0 && sh.N != shards[0].N {
			return nil, fmt.Errorf("%s is shard %s and %s is shard %s: a sweep is merged from shards of one count", dirs[0], shards[0], dirs[i], sh)
		}
		shards[i] = sh
	}
	n := shards[0].N
	byK := make([]int, n)
	var missing, twice []string
	for k := range n {
		var at []string
		for i, sh := range shards {
			if sh.K == k {
				at = append(at, dirs[i])
				byK[k] = i
			}
		}
		switch {
		case len(at) == 0:
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		case len(at) > 1:
			twice = append(twice, fmt.Sprintf("%d/%d (in %s)", k, n, strings.Join(at, " and ")))
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "missing shard "+strings.Join(missing, ", "))
	}
	if len(unfinished) > 0 {
		problems = append(problems, "not finished: "+strings.Join(unfinished, ", "))
	}
	if len(twice) > 0 {
		problems = append(problems, "shard given twice: "+strings.Join(twice, "; "))
	}
	if len(missing) > 0 || len(unfinished) > 0 {
		problems = append(problems, rerunShards)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("merge: %s", strings.Join(problems, "; "))
	}
	for i, d := range dirs {
		if err := checkSum(d, "runs.csv", mans[i]); err != nil {
			return nil, err
		}
	}

	first := mans[0]
	man := *first
	man.Command = opt.Command
	man.Shard, man.ShardTasks, man.Restored, man.Workers = tasks.All.String(), first.Tasks, 0, 0
	man.MergedFrom = slices.Clone(dirs)
	man.Files = nil
	man.Start = time.Now().UTC()
	fo, err := tasks.Open(opt.Out, "sweep", fingerprint(&man), opt.Force)
	if err != nil {
		return nil, err
	}
	defer fo.Close()
	readers := make([]*bufio.Reader, n)
	var head string
	for k := range n {
		f, err := os.Open(filepath.Join(dirs[byK[k]], "runs.csv"))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		readers[k] = bufio.NewReaderSize(f, 1<<16)
		h, err := readers[k].ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		if k > 0 && h != head {
			return nil, fmt.Errorf("%s: header differs from shard 0's", f.Name())
		}
		head = h
	}
	runsW, err := fo.Create("runs.csv")
	if err != nil {
		return nil, err
	}
	pointsW, err := fo.Create("points.csv")
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(first.Factors))
	for i, f := range first.Factors {
		keys[i] = f.Key
	}
	runsW.WriteString(head)
	pointsW.WriteString(pointsHeader(keys) + "\n")
	agg := newAggregator(keys, first.Outputs, first.Replicates, first.Points, first.Design)
	agg.w = pointsW
	for i := 0; i < first.Tasks; i++ {
		k := i % n
		row, err := readers[k].ReadBytes('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("%s/runs.csv ends before task %d", dirs[byK[k]], i)
			}
			return nil, err
		}
		if err := agg.add(i, row); err != nil {
			return nil, fmt.Errorf("%s/%w", dirs[byK[k]], err)
		}
		runsW.Write(row)
	}
	for k := range n {
		if _, err := readers[k].ReadByte(); err != io.EOF {
			return nil, fmt.Errorf("%s/runs.csv has rows beyond its shard's tasks", dirs[byK[k]])
		}
	}
	if err := agg.writeSensitivity(fo, first.Design, factorsOf(first), first.Bootstrap, first.Seed); err != nil {
		return nil, err
	}
	if err := finish(fo, &man); err != nil {
		return nil, err
	}
	return &man, nil
}

// checkSum checks that dir/name has the SHA-256 its manifest recorded.
func checkSum(dir, name string, m *Manifest) error {
	want := ""
	for _, s := range m.Files {
		if s.Name == name {
			want = s.SHA256
		}
	}
	if want == "" {
		return fmt.Errorf("%s: manifest.json records no %s", dir, name)
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != want {
		return fmt.Errorf("%s/%s is not the file its manifest.json hashed: changed or truncated since the run", dir, name)
	}
	return nil
}

// Sensitivity reads a finished sweep folder (a whole sweep or a merge) and
// computes its indices, for every output or only metric.
func Sensitivity(dir, metric string) ([]Index, *Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	if m.Shard != tasks.All.String() {
		return nil, nil, fmt.Errorf("%s holds shard %s of a sweep: merge the shards first (returnsim merge)", dir, m.Shard)
	}
	if m.Design != Sobol && m.Design != Morris {
		return nil, nil, fmt.Errorf("%s: a %s design has no sensitivity indices: want a sobol or morris design", dir, m.Design)
	}
	outputs := m.Outputs
	if metric != "" {
		if !slices.Contains(m.Outputs, metric) {
			return nil, nil, fmt.Errorf("--metric %s: not an output of this sweep: want one of %s", metric, strings.Join(m.Outputs, ", "))
		}
	}
	if err := checkSum(dir, "runs.csv", m); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	if _, err := r.ReadString('\n'); err != nil {
		return nil, nil, err
	}
	keys := make([]string, len(m.Factors))
	for i, fa := range m.Factors {
		keys[i] = fa.Key
	}
	agg := newAggregator(keys, outputs, m.Replicates, m.Points, m.Design)
	for i := 0; i < m.Tasks; i++ {
		row, err := r.ReadBytes('\n')
		if err != nil {
			return nil, nil, fmt.Errorf("%s/runs.csv ends before task %d", dir, i)
		}
		if err := agg.add(i, row); err != nil {
			return nil, nil, fmt.Errorf("%s/%w", dir, err)
		}
	}
	idx, err := Analyse(m.Design, factorsOf(m), agg.values, agg.means, outputs, m.Bootstrap, m.Seed)
	if err != nil {
		return nil, nil, err
	}
	if metric != "" {
		idx = slices.DeleteFunc(idx, func(x Index) bool { return x.Metric != metric })
	}
	return idx, m, nil
}
