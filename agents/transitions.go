package agents

// HopeAt is the hope of legal status at level base (HopePending or
// HopeFinal) for a person with the given legal options left.
func HopeAt(base, options float64) float64 { return base * options }

// Rejection takes OptionsLost of agent a's legal options away, at each
// negative decision on a new application.
func Rejection(a *Agent, p *DynamicsParams) { a.Options *= 1 - p.OptionsLost }

// FinalDecision moves agent a to the departure period after a final
// negative decision: hope falls to HopeFinal for its file number.
func FinalDecision(a *Agent, p *DynamicsParams) {
	a.Shelter = Departure
	a.MonthsSinceFinal = 0
	a.Hope = HopeAt(p.HopeFinal, a.Options)
}

// PoliceExperience lowers trust in government after a bad experience with
// police or an arrest.
func PoliceExperience(a *Agent, p *DynamicsParams) { a.Trust *= 1 - p.PoliceDrop }

// Age advances agent a by months months in which nothing happens to them
// but time, without any draw, by where they are:
//
//   - in a file: months open grow; counselling effects decay by Retention;
//     past the appeal (any shelter but reception) months since the final
//     decision and of irregular stay grow, hope decays by HopeDecay and,
//     without shelter, trust by TrustDecay;
//   - out of sight: months since the final decision and of irregular stay
//     grow, trust decays as without shelter, counselling effects decay;
//     hope is held at its level when the person absconded, so that the
//     hazards out of sight stay constant between events;
//   - in a procedure: counselling effects decay.
//
// Each decaying field is multiplied once a month, in its own chain, so
// ageing n months at once leaves every field bit for bit as n calls with
// months = 1 do. This is the model's only ageing: the engine replays the
// months it skipped with it, and the bound of the log-odds (PredictBound)
// ages with it.
func Age(a *Agent, months int, p *Params) {
	if months <= 0 {
		return
	}
	keepHope, keepTrust, keep := a.advance(months, p)
	// A field that does not decay here is multiplied by 1, which leaves
	// it exactly as it is; the chains run side by side in one loop.
	x, y, h, t := a.CounselAVR, a.CounselLegal, a.Hope, a.Trust
	for range months {
		x *= keep
		y *= keep
		h *= keepHope
		t *= keepTrust
	}
	a.CounselAVR, a.CounselLegal, a.Hope, a.Trust = x, y, h, t
}

// AgeFar ages agent a as Age does, but takes each decay over the months as
// one power of its monthly factor: within a few units in the last place of
// Age's month-by-month products, and in a handful of multiplications
// however many the months. It is for bounds that need the far end of an
// interval (PredictBound's end); the model ages with Age.
func AgeFar(a *Agent, months int, p *Params) {
	if months <= 0 {
		return
	}
	keepHope, keepTrust, keep := a.advance(months, p)
	k := power(keep, months)
	a.CounselAVR *= k
	a.CounselLegal *= k
	a.Hope *= power(keepHope, months)
	a.Trust *= power(keepTrust, months)
}

// advance adds months to the counts that grow where agent a is, and
// returns what a month keeps of hope, of trust and of the counselling
// boosts there (1: the field does not decay). It is the rule of Age.
func (a *Agent) advance(months int, p *Params) (keepHope, keepTrust, keepCounsel float64) {
	keepHope, keepTrust = 1, 1
	switch a.Place {
	case OutOfSight:
		a.MonthsIrregular += months
		a.MonthsSinceFinal += months
		keepTrust = 1 - p.Dynamics.TrustDecay
	case InFile:
		a.MonthsOpen += months
		if a.Shelter != Reception {
			a.MonthsSinceFinal += months
			a.MonthsIrregular += months
			keepHope = 1 - p.Dynamics.HopeDecay
			if a.Shelter == NoShelter {
				keepTrust = 1 - p.Dynamics.TrustDecay
			}
		}
	}
	return keepHope, keepTrust, p.Counselling.Retention
}

// power is x to the power n >= 0, by repeated squaring.
func power(x float64, n int) float64 {
	r := 1.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// numAgeing is the number of fields that Age changes (moveAgeing).
const numAgeing = 7

// moveAgeing copies the k-th of the fields that Age changes from src to
// dst, and reports whether that changed dst. TestAgeingFields keeps the
// list whole; predictIgnores says which of them Predict does not read.
func moveAgeing(dst, src *Agent, k int) (moved bool) {
	switch k {
	case 0:
		moved, dst.MonthsOpen = dst.MonthsOpen != src.MonthsOpen, src.MonthsOpen
	case 1:
		moved, dst.MonthsSinceFinal = dst.MonthsSinceFinal != src.MonthsSinceFinal, src.MonthsSinceFinal
	case 2:
		moved, dst.MonthsIrregular = dst.MonthsIrregular != src.MonthsIrregular, src.MonthsIrregular
	case 3:
		moved, dst.Hope = dst.Hope != src.Hope, src.Hope
	case 4:
		moved, dst.Trust = dst.Trust != src.Trust, src.Trust
	case 5:
		moved, dst.CounselAVR = dst.CounselAVR != src.CounselAVR, src.CounselAVR
	case 6:
		moved, dst.CounselLegal = dst.CounselLegal != src.CounselLegal, src.CounselLegal
	}
	return moved
}

// predictIgnores marks the fields of moveAgeing that Predict does not
// read, so that PredictBound need not move them; TestPredictIgnores checks
// that moving them never changes Predict.
var predictIgnores = [numAgeing]bool{0: true, 1: true}
