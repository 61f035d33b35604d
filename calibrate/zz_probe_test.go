package calibrate

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestZZProbe(t *testing.T) {
	spec0 := os.Getenv("PROBE")
	if spec0 == "" {
		t.Skip()
	}
	base, spec := defaultProblem(t)
	spec.Parameters = nil
	spec.Method.TableReplicates = 4
	for _, kv := range strings.Split(spec0, ",") {
		k, v, _ := strings.Cut(kv, "=")
		x, _ := strconv.ParseFloat(v, 64)
		switch k {
		case "rs":
			base.Population.RequestShare = x
		case "rm":
			base.State.RequestMonths = x
		case "ib":
			base.Params.Independent.Base = x
		case "uol":
			base.State.UnsupervisedOnLeaving = x
		case "ro":
			base.State.RequestOutOfSight = x
		case "ab":
			base.Params.Absconding.Base = x
		}
	}
	p := &Problem{Base: base, Spec: spec, Seed: 20261201}
	d, err := p.Detail(nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("distance %.3f", d.Distance)
	for _, r := range d.Rows {
		t.Logf("%-45.45s %-30.30s obs %10.4g sim %10.4g err %6.2f", r.Target, r.Statistic, r.Observed, r.Simulated, r.Error)
	}
	for _, f := range Fits(d.Rows) {
		t.Logf("%-55s RMS %.2f", f.Target, f.RMS)
	}
}
