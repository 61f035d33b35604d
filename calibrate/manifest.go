package calibrate

import (
	"time"

	"github.com/returnsim/returnsim/internal/tasks"
)

// Manifest is a calibration folder's manifest.json: what produced the fit
// and the posterior. Its fields are in the alphabetical order of their JSON
// names, the order in which the first calibrations wrote them (from a map),
// so that the file's layout has not changed.
type Manifest struct {
	ABCESS             float64     `json:"abc_ess"`            // effective sample size of the posterior
	ABCFinalDistance   float64     `json:"abc_final_distance"` // the largest distance in the posterior
	Budget             int         `json:"budget"`
	Command            []string    `json:"command"`
	End                time.Time   `json:"end"`
	Evaluations        int         `json:"evaluations"`
	Fingerprint        string      `json:"fingerprint"`  // of the arguments that decide the outputs' bytes
	FitDistance        float64     `json:"fit_distance"` // of Nelder-Mead's best point, on the table's replicates, as start_distance
	KeptStart          bool        `json:"kept_start"`   // the start was at least as close: params.toml holds it
	Kind               string      `json:"kind"`         // "calibrate"
	Method             Method      `json:"method"`
	Outputs            []tasks.Sum `json:"outputs"` // every other file of the folder, with its SHA-256
	PosteriorParticles int         `json:"posterior_particles"`
	PosteriorRefused   bool        `json:"posterior_refused"` // no posterior.csv: see RefusedError
	Program            string      `json:"program"`
	Resumed            int         `json:"resumed_evaluations"` // evaluations restored from an interrupted run's journal
	Revision           string      `json:"revision"`
	Scenario           string      `json:"scenario"`
	Seed               int64       `json:"seed"`
	Start              time.Time   `json:"start"`
	StartDistance      float64     `json:"start_distance"` // on the table's replicates
	Study              string      `json:"study"`
	TargetsFile        string      `json:"targets_file"`
	Version            string      `json:"version"`
	Workers            int         `json:"workers"`
}
