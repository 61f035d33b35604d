package calibrate

import (
	"errors"
	"fmt"
	"math"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/mat"
)

// ErrSeparation reports that a covariate pattern separates successes from
// failures, completely or in part, so that the log-likelihood keeps rising
// as some coefficient goes to infinity: the maximum-likelihood estimate does
// not exist.
var ErrSeparation = errors.New("separation: the maximum-likelihood estimate does not exist")

// ErrNoConvergence reports that Newton-Raphson did not converge within
// maxIter iterations although no separation was seen.
var ErrNoConvergence = errors.New("no convergence")

// Settings of the fit. A fit has converged when, after a Newton step, the
// log-likelihood changed by at most logLikTol x (|log-likelihood| + 0.1)
// (the deviance criterion of R's glm) and every coefficient by at most
// coefTol x (|coefficient| + 1). Under separation the log-likelihood
// settles while a coefficient keeps growing by about one unit a step, so the
// second condition is what tells the two apart.
const (
	maxIter   = 100
	logLikTol = 1e-10
	coefTol   = 1e-8

	// separatedEta is the linear predictor beyond which a fit that failed
	// is blamed on separation: a fitted probability below 3e-7 of 0 or 1.
	separatedEta = 15
	// maxCond is the condition number of the information matrix beyond
	// which it is treated as singular.
	maxCond = 1e12
)

// LogitFit is a logistic regression fitted by maximum likelihood.
type LogitFit struct {
	Coef   []float64     // coefficients, one per column of the design matrix
	SE     []float64     // standard errors: square roots of the diagonal of Cov
	Cov    *mat.SymDense // covariance of Coef: the inverse of the information matrix at Coef
	LogLik float64       // log-likelihood at Coef
	Iter   int           // Newton steps taken
}

// Predict returns the fitted probability for the covariate row x, which
// must have one value per coefficient (the intercept's 1 included).
func (f *LogitFit) Predict(x []float64) float64 {
	if len(x) != len(f.Coef) {
		panic(fmt.Sprintf("calibrate: Predict: %d covariates for %d coefficients", len(x), len(f.Coef)))
	}
	return agents.Logistic(dot(f.Coef, x))
}

// Design returns a design matrix with a column of ones (the intercept)
// followed by the given columns, which must have equal lengths.
func Design(cols ...[]float64) *mat.Dense {
	if len(cols) == 0 {
		panic("calibrate: Design: no columns")
	}
	n := len(cols[0])
	x := mat.NewDense(n, len(cols)+1, nil)
	for i := 0; i < n; i++ {
		x.Set(i, 0, 1)
	}
	for j, c := range cols {
		if len(c) != n {
			panic(fmt.Sprintf("calibrate: Design: column %d has %d rows, column 0 has %d", j, len(c), n))
		}
		for i, v := range c {
			x.Set(i, j+1, v)
		}
	}
	return x
}

// FitLogit fits P(y=1 | x) = 1/(1+exp(-x·b)) by maximum likelihood with
// Newton-Raphson (iteratively reweighted least squares), from b = 0. Row i
// of X holds the covariates of observation i; an intercept, if wanted, is a
// column of ones that the caller supplies (see Design). y holds outcomes in
// [0, 1], w non-negative weights; nil w weighs every row 1. A row with weight
// w and outcome y contributes w·(y·η − ln(1+e^η)) to the log-likelihood,
// η = x·b: with y a share and w a number of trials this is the binomial
// log-likelihood without its constant, so the fit to aggregated counts
// equals the fit to the rows they aggregate (see FitLogitCounts). Rows of
// weight 0 are ignored.
//
// The covariance is the inverse of the information matrix XᵀWX at the
// estimate, W = diag(w·p·(1−p)). Errors wrap ErrSeparation when fitted
// probabilities run to 0 or 1 and ErrNoConvergence when the iterations
// neither converge nor separate; collinear columns are an error of their
// own.
func FitLogit(X *mat.Dense, y, w []float64) (*LogitFit, error) {
	n, p := X.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("logit: %d outcomes for %d rows", len(y), n)
	}
	if w != nil && len(w) != n {
		return nil, fmt.Errorf("logit: %d weights for %d rows", len(w), n)
	}
	rows := 0
	for i := 0; i < n; i++ {
		wi := weight(w, i)
		if !(wi >= 0) || math.IsInf(wi, 0) {
			return nil, fmt.Errorf("logit: weight %v in row %d: want a finite number >= 0", wi, i)
		}
		if !(y[i] >= 0 && y[i] <= 1) {
			return nil, fmt.Errorf("logit: outcome %v in row %d: want a number from 0 to 1", y[i], i)
		}
		for _, v := range X.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("logit: covariate %v in row %d: want a finite number", v, i)
			}
		}
		if wi > 0 {
			rows++
		}
	}
	if rows < p {
		return nil, fmt.Errorf("logit: %d rows with positive weight for %d coefficients: want at least as many rows", rows, p)
	}

	l := logitProblem{X: X, y: y, w: w}
	b := make([]float64, p)
	ll := l.logLik(b)
	var chol mat.Cholesky
	step := mat.NewVecDense(p, nil)
	next := make([]float64, p)
	for it := 1; it <= maxIter; it++ {
		grad, info := l.derivatives(b)
		if ok := chol.Factorize(info); !ok || chol.Cond() > maxCond {
			if it == 1 {
				return nil, errors.New("logit: the design matrix has collinear columns (the information matrix is singular at the start)")
			}
			return nil, l.failure(b, it, "the information matrix became singular")
		}
		if err := chol.SolveVecTo(step, grad); err != nil {
			return nil, l.failure(b, it, "the information matrix became singular")
		}
		// Newton step, halved while it lowers the log-likelihood, which
		// is concave, so a short enough step always raises it.
		t, nextLL := 1.0, 0.0
		for {
			for j := range next {
				next[j] = b[j] + t*step.AtVec(j)
			}
			nextLL = l.logLik(next)
			if nextLL >= ll || t < 1e-10 {
				break
			}
			t /= 2
		}
		small := math.Abs(nextLL-ll) <= logLikTol*(math.Abs(nextLL)+0.1)
		for j := range b {
			if math.Abs(next[j]-b[j]) > coefTol*(math.Abs(next[j])+1) {
				small = false
			}
		}
		copy(b, next)
		ll = nextLL
		if small {
			return l.result(b, ll, it)
		}
	}
	return nil, l.failure(b, maxIter, "the estimate did not settle")
}

// FitLogitCounts fits the logistic regression to aggregated data: row i of
// X is a covariate pattern seen in trials[i] observations, successes[i] of
// which were successes. For discrete covariates this is exact: the
// estimate, standard errors and log-likelihood equal those of the fit to
// the individual observations, at the cost of one row per pattern.
func FitLogitCounts(X *mat.Dense, successes, trials []float64) (*LogitFit, error) {
	if len(successes) != len(trials) {
		return nil, fmt.Errorf("logit: %d success counts for %d trial counts", len(successes), len(trials))
	}
	y := make([]float64, len(trials))
	for i, n := range trials {
		s := successes[i]
		if !(n >= 0) || math.IsInf(n, 0) || !(s >= 0) || s > n {
			return nil, fmt.Errorf("logit: %v successes in %v trials in row %d: want 0 <= successes <= trials, finite", s, n, i)
		}
		if n > 0 {
			y[i] = s / n
		}
	}
	return FitLogit(X, y, trials)
}

type logitProblem struct {
	X    *mat.Dense
	y, w []float64
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

func (l *logitProblem) logLik(b []float64) float64 {
	n, _ := l.X.Dims()
	s := 0.0
	for i := 0; i < n; i++ {
		if wi := weight(l.w, i); wi > 0 {
			eta := dot(b, l.X.RawRowView(i))
			s += wi * (l.y[i]*eta - softplus(eta))
		}
	}
	return s
}

// derivatives returns the gradient Xᵀ(w(y−p)) of the log-likelihood at b and
// the information matrix XᵀWX, W = diag(w·p·(1−p)).
func (l *logitProblem) derivatives(b []float64) (*mat.VecDense, *mat.SymDense) {
	n, p := l.X.Dims()
	grad := mat.NewVecDense(p, nil)
	info := mat.NewSymDense(p, nil)
	for i := 0; i < n; i++ {
		wi := weight(l.w, i)
		if wi == 0 {
			continue
		}
		x := l.X.RawRowView(i)
		mu := agents.Logistic(dot(b, x))
		r, v := wi*(l.y[i]-mu), wi*mu*(1-mu)
		for j := 0; j < p; j++ {
			grad.SetVec(j, grad.AtVec(j)+r*x[j])
			for k := j; k < p; k++ {
				info.SetSym(j, k, info.At(j, k)+v*x[j]*x[k])
			}
		}
	}
	return grad, info
}

// failure explains why a fit stopped at b: separation when some row with
// weight has a fitted probability numerically at 0 or 1.
func (l *logitProblem) failure(b []float64, it int, why string) error {
	n, _ := l.X.Dims()
	for i := 0; i < n; i++ {
		if weight(l.w, i) == 0 {
			continue
		}
		if eta := dot(b, l.X.RawRowView(i)); math.Abs(eta) > separatedEta {
			return fmt.Errorf("logit: %w: after %d iterations the fitted probability of row %d is %.3g (linear predictor %.3g)", ErrSeparation, it, i, agents.Logistic(eta), eta)
		}
	}
	return fmt.Errorf("logit: %w after %d iterations: %s", ErrNoConvergence, it, why)
}

func (l *logitProblem) result(b []float64, ll float64, it int) (*LogitFit, error) {
	_, info := l.derivatives(b)
	var chol mat.Cholesky
	if ok := chol.Factorize(info); !ok || chol.Cond() > maxCond {
		return nil, l.failure(b, it, "the information matrix is singular at the estimate")
	}
	cov := mat.NewSymDense(len(b), nil)
	if err := chol.InverseTo(cov); err != nil {
		return nil, l.failure(b, it, "the information matrix is singular at the estimate")
	}
	se := make([]float64, len(b))
	for j := range se {
		se[j] = math.Sqrt(cov.At(j, j))
	}
	return &LogitFit{Coef: b, SE: se, Cov: cov, LogLik: ll, Iter: it}, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// softplus is ln(1+e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// logit is ln(p/(1-p)).
func logit(p float64) float64 { return math.Log(p / (1 - p)) }
