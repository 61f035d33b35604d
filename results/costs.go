package results

import (
	"fmt"

	"github.com/returnsim/returnsim/sim"
)

// CostCounts are one replicate's counts that carry a cost. The engine
// provides them; CostOf prices them with a scenario's unit costs.
type CostCounts struct {
	Forced          int     // forced returns
	AVR             int     // assisted returns
	PackageEUR      float64 // reintegration package actually paid, cash and in kind, EUR
	Sessions        int     // counselling sessions given (not asked)
	MonthsReception int     // person-months in asylum reception
	MonthsVBL       int     // person-months in the freedom-restricting location
	MonthsFamily    int     // household-months in a family location
	MonthsLVV       int     // person-months in a national aliens facility
	MonthsDetention int     // person-months in immigration detention
}

// CostItems are a replicate's costs to the state by item, in EUR.
type CostItems struct {
	Forced, AVR, Package, Sessions, Reception, VBL, FamilyLocation, LVV, Detention float64
}

// CostOf prices counts with unit costs u: forced returns x forced_eur, AVR
// x avr_eur, the package as paid, sessions given x session_eur and each
// person-month x its unit cost. It is a pure function.
func CostOf(u sim.Costs, n CostCounts) CostItems {
	return CostItems{
		Forced:         float64(n.Forced) * u.ForcedEUR,
		AVR:            float64(n.AVR) * u.AVREUR,
		Package:        n.PackageEUR,
		Sessions:       float64(n.Sessions) * u.SessionEUR,
		Reception:      float64(n.MonthsReception) * u.MonthReceptionEUR,
		VBL:            float64(n.MonthsVBL) * u.MonthVBLEUR,
		FamilyLocation: float64(n.MonthsFamily) * u.MonthFamilyEUR,
		LVV:            float64(n.MonthsLVV) * u.MonthLVVEUR,
		Detention:      float64(n.MonthsDetention) * u.MonthDetentionEUR,
	}
}

// Total is the sum of the items.
func (c CostItems) Total() float64 {
	return c.Forced + c.AVR + c.Package + c.Sessions + c.Reception + c.VBL + c.FamilyLocation + c.LVV + c.Detention
}

// Check reports negative counts, which no engine should produce.
func (n CostCounts) Check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"forced", float64(n.Forced)}, {"avr", float64(n.AVR)}, {"package_eur", n.PackageEUR},
		{"sessions", float64(n.Sessions)}, {"months_reception", float64(n.MonthsReception)},
		{"months_vbl", float64(n.MonthsVBL)}, {"months_family_location", float64(n.MonthsFamily)}, {"months_lvv", float64(n.MonthsLVV)},
		{"months_detention", float64(n.MonthsDetention)},
	} {
		if !(f.v >= 0) {
			return fmt.Errorf("results: cost count %s = %v: want 0 or more", f.name, f.v)
		}
	}
	return nil
}
