package sim

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// TestCounselKeyMomentsFirst: under a capacity, sessions at a key moment
// come before routine ones however long the routine requests have waited,
// so periodic counselling never costs the final-decision session.
func TestCounselKeyMomentsFirst(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	// four persons near their final decision (acceptance), trust 0.5: two
	// routine requests asked two months ago, two at the final decision now
	asked := []struct {
		m  agents.Moment
		at int
	}{{agents.MomentRoutine, 8}, {agents.MomentRoutine, 8}, {agents.MomentFinal, 10}, {agents.MomentFinal, 10}}
	setup := func(capacity int, o agents.Overload) *engine {
		pol := cfg.Policy
		pol.Counselling.Timing = agents.Periodic
		pol.Counselling.Counsellors, pol.Counselling.SessionsPer = capacity, 1
		pol.Counselling.Overload = o
		e := &engine{cfg: &cfg, pol: &pol, t: 10, nextChange: math.MaxInt}
		for i, r := range asked {
			a := agents.Agent{PersonID: i, Trust: 0.5, Shelter: agents.Departure, SessionDue: true, SessionAt: r.m, SessionAsked: r.at}
			fi := e.open(&a, Stream{})
			e.files[fi].synced = e.t + 1 // stepped this month, as counsel finds its files
			e.queue = append(e.queue, request{fi, a.CaseID})
		}
		return e
	}
	full := func(i int, e *engine) float64 { // a full-quality session's effect, without wait
		a := e.files[i].a
		avr, _ := agents.SessionEffect(&a, &cfg.Origins[0], a.SessionAt, 1, &e.pol.Counselling, &cfg.Params)
		return avr
	}
	t.Run("wait", func(t *testing.T) {
		e := setup(2, agents.Wait)
		e.counsel()
		for i, s := range e.files {
			key := asked[i].m != agents.MomentRoutine
			if s.a.Counselled != key || s.a.SessionDue == key {
				t.Errorf("person %d (%v asked in month %d): counselled %v, still due %v; want key moments seen first", i, asked[i].m, asked[i].at, s.a.Counselled, s.a.SessionDue)
			}
		}
		if e.totals.SessionsGiven != 2 || e.totals.WaitMonths != 0 {
			t.Errorf("sessions given %d, months waited %d; want 2 and 0", e.totals.SessionsGiven, e.totals.WaitMonths)
		}
	})
	t.Run("dilute", func(t *testing.T) {
		e := setup(3, agents.Dilute)
		wantQ := []float64{0.5 * math.Pow(cfg.Params.Counselling.Retention, 2), 0.5 * math.Pow(cfg.Params.Counselling.Retention, 2), 1, 1}
		want := make([]float64, len(asked))
		for i := range want {
			want[i] = wantQ[i] * full(i, e)
		}
		e.counsel()
		for i, s := range e.files {
			// key moments at full quality; the one session left shared by
			// the two routine requests (quality 1/2), which also lost
			// Retention for each of their two months of waiting
			if math.Abs(s.a.CounselAVR-want[i]) > 1e-12 || !s.a.Counselled {
				t.Errorf("person %d: effect %v, want %v", i, s.a.CounselAVR, want[i])
			}
		}
	})
	t.Run("dilute, key demand above capacity", func(t *testing.T) {
		e := setup(1, agents.Dilute)
		want := []float64{0, 0, 0.5 * full(2, e), 0.5 * full(3, e)}
		e.counsel()
		for i, s := range e.files {
			if math.Abs(s.a.CounselAVR-want[i]) > 1e-12 {
				t.Errorf("person %d: effect %v, want %v (routine requests wait)", i, s.a.CounselAVR, want[i])
			}
			if routine := asked[i].m == agents.MomentRoutine; s.a.SessionDue != routine {
				t.Errorf("person %d: still due %v, want %v", i, s.a.SessionDue, routine)
			}
		}
	})
}
