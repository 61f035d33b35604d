package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// Plan is a sweep ready to run: the file, the scenario it varies, the
// design's points and the run seed. Task i is point i / Replicates,
// replicate i % Replicates.
type Plan struct {
	File       *File
	Base       *scenarios.Scenario
	Design     *Design
	DesignFile string // the --design file, or ""
	Seed       uint64

	keys    []string
	outputs []int // indices into results.OwnMetricNames
}

// NewPlan loads the file's base scenario, makes its design from seed (or
// reads designFile, when not empty) and checks that every point gives a
// valid configuration, so that a bad point stops the sweep before any
// simulation runs.
func NewPlan(f *File, seed uint64, designFile string) (*Plan, error) {
	base, err := f.Base()
	if err != nil {
		return nil, err
	}
	p := &Plan{File: f, Base: base, DesignFile: designFile, Seed: seed, keys: f.FactorKeys()}
	switch {
	case designFile != "":
		p.Design, err = f.ReadDesign(designFile)
	case f.layoutOnly():
		err = fmt.Errorf("%s: no design to make (no [design] table, or a sobol or morris table without samples or trajectories): give the points with --design points.csv", f.Path)
	default:
		p.Design, err = f.MakeDesign(seed)
	}
	if err != nil {
		return nil, err
	}
	for _, o := range f.Outputs {
		p.outputs = append(p.outputs, slices.Index(results.OwnMetricNames, o))
	}
	for i, v := range p.Design.Values {
		if _, err := base.With(p.keys, v); err != nil {
			return nil, fmt.Errorf("design point %d (%s): %w", i, p.describe(v), err)
		}
	}
	return p, nil
}

func (p *Plan) describe(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = p.keys[i] + " = " + FormatValue(x)
	}
	return strings.Join(s, ", ")
}

// Tasks is the number of (point, replicate) tasks.
func (p *Plan) Tasks() int { return len(p.Design.Values) * p.File.Replicates }

// TaskSeed is the seed of task i: the run seed and the replicate alone, so
// replicate r of every point shares its streams (common random numbers)
// and differences between points are paired.
func (p *Plan) TaskSeed(i int) uint64 {
	return sim.StreamSeed(p.Seed, i%p.File.Replicates, "", true)
}

// RunsHeader is the header of runs.csv.
func (p *Plan) RunsHeader() string {
	return "point,replicate," + strings.Join(p.keys, ",") + ",seed," + strings.Join(p.File.Outputs, ",")
}

// PointsHeader is the header of points.csv.
func (p *Plan) PointsHeader() string { return pointsHeader(p.keys) }

func pointsHeader(keys []string) string { return "point," + strings.Join(keys, ",") + "," + pointsTail }

// Task runs task i and returns its runs.csv row, and the time the
// simulation itself took.
func (p *Plan) Task(i int) (row []byte, simTime time.Duration, err error) {
	pt, r := i/p.File.Replicates, i%p.File.Replicates
	v := p.Design.Values[pt]
	cfg, err := p.Base.With(p.keys, v)
	if err != nil {
		return nil, 0, fmt.Errorf("design point %d: %w", pt, err)
	}
	seed := p.TaskSeed(i)
	start := time.Now()
	tot := sim.Run(&cfg, seed, sim.Discard{})
	simTime = time.Since(start)
	m := results.OwnMetrics(&tot, cfg.Costs)
	b := strconv.AppendInt(nil, int64(pt), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r), 10)
	for _, x := range v {
		b = append(b, ',')
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	b = append(b, ',')
	b = append(b, results.SeedText(seed)...) // as in replicates.csv: R and pandas read it exactly
	for _, o := range p.outputs {
		b = append(b, ',')
		b = strconv.AppendFloat(b, m[o], 'f', -1, 64)
	}
	return append(b, '\n'), simTime, nil
}

// Manifest is a sweep folder's manifest.json, the type results declares
// so that the report reads what the sweep writes.
type Manifest = results.SweepManifest

// manifestFactors are a sweep's factors as its manifest records them.
func manifestFactors(fs []Factor) []results.SweepFactor {
	out := make([]results.SweepFactor, len(fs))
	for i, f := range fs {
		out[i] = results.SweepFactor(f)
	}
	return out
}

// factorsOf are the factors a manifest records.
func factorsOf(m *Manifest) []Factor {
	out := make([]Factor, len(m.Factors))
	for i, f := range m.Factors {
		out[i] = Factor(f)
	}
	return out
}

// identityFields are what make two sweep outputs parts of the same sweep:
// the same inputs, and the same program (another version may simulate
// differently).
func identityFields(m *Manifest) [][2]string {
	short := func(h string) string { return h[:min(12, len(h))] }
	return [][2]string{
		{"sweep file", short(m.SweepSHA256)},
		{"seed", strconv.FormatUint(m.Seed, 10)},
		{"design", m.Design + " " + short(m.DesignSHA256)},
		{"scenario", m.Scenario + " " + short(m.ScenarioSHA256)},
		{"replicates", strconv.Itoa(m.Replicates)},
		{"outputs", strings.Join(m.Outputs, ",")},
		{"program", m.Version + " " + m.Revision},
	}
}

func identity(m *Manifest) string {
	var b strings.Builder
	for _, f := range identityFields(m) {
		b.WriteString(f[0] + " " + f[1] + "; ")
	}
	return b.String()
}

// differences names the identity fields in which m and o differ, on one
// line.
func differences(m, o *Manifest) string {
	var d []string
	a, b := identityFields(m), identityFields(o)
	for i := range a {
		if a[i][1] != b[i][1] {
			d = append(d, fmt.Sprintf("%s %s against %s", a[i][0], b[i][1], a[i][1]))
		}
	}
	return strings.Join(d, "; ")
}

// fingerprint identifies the output of a sweep or a shard of it.
func fingerprint(m *Manifest) string {
	h := sha256.Sum256([]byte(identity(m) + " " + m.SweepSHA256 + m.DesignSHA256 + m.ScenarioSHA256 + " shard " + m.Shard))
	return hex.EncodeToString(h[:])
}

// Options say where and how a sweep runs.
type Options struct {
	Out      string
	Shard    tasks.Shard
	Workers  int
	Force    bool     // take a folder that holds other results
	Command  []string // for the manifest
	Version  string
	Revision string
	Progress func() // called after each task is written, on one goroutine
}

// Stats describe a finished sweep.
type Stats struct {
	Tasks    int           // tasks of this shard
	Restored int           // of them, restored from the journal of an interrupted run
	Sim      time.Duration // time spent inside sim.Run, summed over workers
	Task     time.Duration // time spent in tasks (Sim, the point's configuration, the row), summed over workers
	Emit     time.Duration // time spent writing rows and aggregating points
	Wall     time.Duration // from the folder's opening to its commit
}

func (p *Plan) manifest(opt *Options, start time.Time) *Manifest {
	sh := opt.Shard
	if sh == (tasks.Shard{}) {
		sh = tasks.All
	}
	m := &Manifest{
		Program: "returnsim", Version: opt.Version, Revision: opt.Revision, Command: opt.Command,
		Name: p.File.Name, SweepFile: p.File.Path, SweepSHA256: p.File.SHA256,
		Study: p.Base.File, Scenario: p.Base.Name, ScenarioSHA256: p.Base.ConfigSHA256(),
		Seed: p.Seed, Design: p.Design.Kind, DesignFile: p.DesignFile, DesignSHA256: p.Design.SHA256(),
		Factors: manifestFactors(p.File.Factors), Outputs: p.File.Outputs, Replicates: p.File.Replicates, Bootstrap: p.File.Bootstrap,
		Points: len(p.Design.Values), Tasks: p.Tasks(), Shard: sh.String(), Workers: opt.Workers, Start: start.UTC(),
	}
	m.ShardTasks = sh.Count(m.Tasks)
	return m
}

// Run runs the plan's tasks of opt.Shard and writes opt.Out: runs.csv,
// and, when the shard is the whole sweep, points.csv and (for sobol and
// morris designs) sensitivity.csv, then manifest.json. A folder with the
// journal of an interrupted run of the same sweep and shard resumes it.
func Run(ctx context.Context, p *Plan, opt Options) (*Stats, error) {
	start := time.Now()
	man := p.manifest(&opt, start)
	fp := fingerprint(man)
	fo, err := tasks.Open(opt.Out, "sweep", fp, opt.Force)
	if err != nil {
		return nil, err
	}
	defer fo.Close() // aborts what is not committed
	// a finished sweep keeps its journal: the same command again (a job
	// array resubmitted after one shard failed) restores every task and
	// redoes none
	fo.KeepJournal = true
	_, err = os.Stat(filepath.Join(opt.Out, tasks.JournalName))
	resume := err == nil && !opt.Force
	runsW, err := fo.Create("runs.csv")
	if err != nil {
		return nil, err
	}
	runsW.WriteString(p.RunsHeader() + "\n")
	whole := man.Shard == tasks.All.String()
	var agg *aggregator
	if whole {
		agg = newAggregator(p.keys, p.File.Outputs, p.File.Replicates, len(p.Design.Values), p.Design.Kind)
		if agg.w, err = fo.Create("points.csv"); err != nil {
			return nil, err
		}
		agg.w.WriteString(p.PointsHeader() + "\n")
	}
	st := &Stats{Tasks: man.ShardTasks}
	var simNS, taskNS, ran atomic.Int64
	var emitTime time.Duration
	do := func(ctx context.Context, i int) ([]byte, error) {
		start := time.Now()
		row, d, err := p.Task(i)
		taskNS.Add(int64(time.Since(start)))
		simNS.Add(int64(d))
		ran.Add(1)
		return row, err
	}
	emitted := 0
	emit := func(i int, rec []byte) error {
		defer func(start time.Time) { emitTime += time.Since(start) }(time.Now())
		if _, err := runsW.Write(rec); err != nil {
			return err
		}
		if agg != nil {
			if err := agg.add(i, rec); err != nil {
				return err
			}
		}
		emitted++
		if opt.Progress != nil {
			opt.Progress()
		}
		return nil
	}
	sh := opt.Shard
	if sh == (tasks.Shard{}) {
		sh = tasks.All
	}
	err = tasks.Run(ctx, tasks.Options{Dir: opt.Out, Workers: opt.Workers, Shard: sh, Resume: resume, Fingerprint: fp}, p.Tasks(), do, emit)
	if err != nil && resume && strings.HasPrefix(err.Error(), "resume: ") && ctx.Err() == nil {
		// the journal is another sweep's (or another shard's): tasks
		// refuses it; say what the sweep verb offers
		return nil, fmt.Errorf("%s holds the journal of an interrupted sweep that this one cannot resume (%s): run that sweep again to finish it, add --force to discard it, or choose another --out", opt.Out, strings.TrimSuffix(strings.TrimPrefix(err.Error(), "resume: "), ": rerun without --resume"))
	}
	if err != nil {
		return nil, err
	}
	if emitted != man.ShardTasks {
		return nil, fmt.Errorf("sweep: %d of %d tasks written", emitted, man.ShardTasks)
	}
	st.Sim = time.Duration(simNS.Load())
	st.Task = time.Duration(taskNS.Load())
	st.Emit = emitTime
	st.Restored = man.ShardTasks - int(ran.Load()) // the journal gave the rest
	man.Restored = st.Restored
	if agg != nil {
		if err := agg.writeSensitivity(fo, p.Design.Kind, p.File.Factors, p.File.Bootstrap, p.Seed); err != nil {
			return nil, err
		}
	}
	if err := finish(fo, man); err != nil {
		return nil, err
	}
	st.Wall = time.Since(start)
	return st, nil
}

// finish writes manifest.json with the sums of the other files and
// commits the folder.
func finish(fo *tasks.Folder, man *Manifest) error {
	sums, err := fo.Sums()
	if err != nil {
		return err
	}
	man.Files = sums
	man.End = time.Now().UTC()
	w, err := fo.Create("manifest.json")
	if err != nil {
		return err
	}
	if err := results.WriteJSON(w, man); err != nil {
		return err
	}
	return fo.Commit()
}

// ReadManifest reads DIR/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s has no manifest.json: not a finished sweep", dir)
		}
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	if m.Program != "returnsim" || m.SweepSHA256 == "" || m.DesignSHA256 == "" || m.ScenarioSHA256 == "" {
		return nil, fmt.Errorf("%s: not the manifest of a returnsim sweep", filepath.Join(dir, "manifest.json"))
	}
	return &m, nil
}
