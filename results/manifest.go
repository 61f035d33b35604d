package results

import (
	"time"

	"github.com/returnsim/returnsim/internal/tasks"
)

// The manifests of result folders: one type per kind of run, which its
// writer (package study for a run, sweep for a sweep) fills and its
// readers (sweep's merge and sensitivity, the report) decode. Field order
// is the order of the JSON written, so a field is added at the end of its
// group, never moved.

// Manifest is a run folder's manifest.json: what produced the folder.
type Manifest struct {
	Program     string   `json:"program"`
	Kind        string   `json:"kind"`
	Version     string   `json:"version"`
	Revision    string   `json:"revision"`
	Command     []string `json:"command"`
	Fingerprint string   `json:"fingerprint"` // of the arguments that decide the outputs' bytes
	Study       string   `json:"study"`
	Seed        int64    `json:"seed"`
	Replicates  int      `json:"replicates"`
	Workers     int      `json:"workers"`
	Resumed     int      `json:"resumed_replicates,omitempty"` // replicates restored from an interrupted run
	CRN         bool     `json:"common_random_numbers"`
	// Fork is the month from which the scenarios differ (YYYY-MM): every
	// scenario's months before it are one shared history, the baseline's.
	// Empty: each scenario ran its own history.
	Fork      string `json:"fork,omitempty"`
	Posterior string `json:"posterior,omitempty"`
	// With a posterior: the SHA-256 of its file's bytes, the keys whose
	// values each replicate takes from its draw (replicates.csv's draw
	// column), and a sentence saying so. Each scenario's Config then holds,
	// for those keys, that sentence's pointer in place of a value no
	// replicate ran with.
	PosteriorSHA256 string   `json:"posterior_sha256,omitempty"`
	PosteriorKeys   []string `json:"posterior_keys,omitempty"`
	// Uncertain are the study's unconstrained assumptions that each
	// replicate drew, with a posterior (summary.csv's *_held columns are
	// the same draws with these held at their values).
	Uncertain  []ManifestUncertain `json:"uncertain,omitempty"`
	Parameters string              `json:"parameters,omitempty"`
	Files      []string            `json:"files"`
	Outputs    []tasks.Sum         `json:"outputs"` // every other file of the folder, with its SHA-256
	Scenarios  []ManifestScenario  `json:"scenarios"`
	Start      time.Time           `json:"start"`
	End        time.Time           `json:"end"`

	// SummaryColumns says what summary.csv's columns mean in this run:
	// which interval is of the mean, which predictive over parameter draws,
	// and whether the latter are filled.
	SummaryColumns map[string]string `json:"summary_columns"`

	// Keys describe every key of the scenarios' configurations (Config's
	// keys, and the nested settings named as one, such as the counselling
	// provider), from the code's struct tags, so that a reader can put a
	// difference between two configurations in words and say whether the
	// effect of a policy setting rests on calibrated parameters.
	Keys []ManifestKey `json:"keys,omitempty"`

	// Persons says whom the per-person metrics count (Population): the
	// persons who entered in the recorded months or, in a projection (a
	// fork after the first recorded month), the persons the policies can
	// reach from the fork.
	Persons string `json:"persons,omitempty"`
}

// ManifestKey describes one configuration key as the code that ran
// declares it (docs/scenarios.md).
type ManifestKey struct {
	Key    string `json:"key"` // dotted, from the scenario's root: "policy.counselling.timing"
	Desc   string `json:"desc,omitempty"`
	Unit   string `json:"unit,omitempty"`
	Source string `json:"source,omitempty"` // "calibrated: ..." for a parameter fitted to data
	// Via are, for a policy setting, the parameters through which it acts.
	Via []string `json:"via,omitempty"`
}

// ManifestScenario records one scenario with its full resolved parameters.
type ManifestScenario struct {
	Name         string         `json:"name"`
	Description  string         `json:"description,omitempty"`
	File         string         `json:"file"`
	FileSHA256   string         `json:"file_sha256"`
	ConfigSHA256 string         `json:"config_sha256"`
	Config       map[string]any `json:"config"` // by TOML key, as in docs/scenarios.md
}

// SweepManifest is a sweep folder's manifest.json: the sweep, its design
// and the shard of its tasks the folder holds (or the shards it merges).
type SweepManifest struct {
	Program        string        `json:"program"`
	Version        string        `json:"version"`
	Revision       string        `json:"revision"`
	Command        []string      `json:"command"`
	Name           string        `json:"name"`
	SweepFile      string        `json:"sweep_file"`
	SweepSHA256    string        `json:"sweep_sha256"`
	Study          string        `json:"study"`
	Scenario       string        `json:"scenario"`
	ScenarioSHA256 string        `json:"scenario_config_sha256"`
	Seed           uint64        `json:"seed"`
	Design         string        `json:"design"`
	DesignFile     string        `json:"design_file,omitempty"`
	DesignSHA256   string        `json:"design_sha256"`
	Factors        []SweepFactor `json:"factors"`
	Outputs        []string      `json:"outputs"`
	Replicates     int           `json:"replicates"`
	Bootstrap      int           `json:"bootstrap"`
	Points         int           `json:"points"`
	Tasks          int           `json:"tasks"`
	Shard          string        `json:"shard"`
	ShardTasks     int           `json:"shard_tasks"`
	Restored       int           `json:"restored_tasks"`
	Workers        int           `json:"workers,omitempty"`
	MergedFrom     []string      `json:"merged_from,omitempty"`
	Files          []tasks.Sum   `json:"files"`
	Start          time.Time     `json:"start"`
	End            time.Time     `json:"end"`
}

// SweepFactor is one factor of a sweep as its manifest records it: the
// fields of sweep.Factor, which converts to it.
type SweepFactor struct {
	Key          string    `json:"key"`
	Distribution string    `json:"distribution"`
	Min          *float64  `json:"min,omitempty"`
	Max          *float64  `json:"max,omitempty"`
	Levels       []float64 `json:"levels,omitempty"`
	Points       int       `json:"points,omitempty"`
}

// ManifestUncertain is one unconstrained assumption a run drew: its key,
// the range it was drawn from uniformly, and why that range.
type ManifestUncertain struct {
	Key    string  `json:"key"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	Reason string  `json:"reason"`
}
