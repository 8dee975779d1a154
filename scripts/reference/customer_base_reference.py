#!/usr/bin/python3
"""Independent reference for the BG/NBD and Gamma-Gamma customer-base models' maximum likelihood.

Written from the papers' formulas (Fader, Hardie & Lee 2005, "Counting your customers the easy way:
an alternative to the Pareto/NBD model", Marketing Science 24(2); Fader, Hardie & Lee 2005, "RFM and
CLV: using iso-value curves for customer base analysis", JMR 42(4); Fader & Hardie 2013, "The
Gamma-Gamma model of monetary value"), sharing no code with segcast or any CLV library, so that
tests can check the C++ parameters. Run it with Debian's interpreter (python3-pandas, python3-scipy):

    /usr/bin/python3 scripts/reference/customer_base_reference.py TRANSACTIONS.csv --as-of YYYY-MM-DD

TRANSACTIONS.csv has columns customer_id,day,revenue (day YYYY-MM-DD, cleaned rows, several rows per
customer and day allowed; make_customer_base_input.py writes it from the shared logs). Prints JSON:
customers, repeat_customers, frequency_spend_correlation, bgnbd {r, alpha, a, b, log_likelihood},
gamma_gamma {p, q, gamma, log_likelihood}. Convergence diagnostics go to stderr; any failed check
exits with status 1.

Definitions (shared with the C++ side):
- Only rows with day < as_of count (as_of is exclusive).
- A purchase occasion is a distinct (customer, day); its value is the sum of that day's revenue.
- Per customer: x = distinct purchase days - 1; t_x = (last - first day) / 7 and
  T = (as_of - first day) / 7, in weeks (a single purchase the day before as_of gives T = 1/7).
- BG/NBD, per customer (r, alpha, a, b > 0):
    LL = lnG(r+x) - lnG(r) + r ln(alpha) + lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x)
         + ln[(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]   (log-sum-exp)
- Gamma-Gamma, repeat customers only (x >= 1), m = mean value of the purchase days after the first:
    LL = lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln(m) + px ln(x) - (px+q) ln(gamma+xm)

Fitting. Each total LL is maximised over the log-parameters by BFGS with the analytic gradient,
from two starts: all parameters 1, and the same with the scale parameter set to the data's scale
(alpha = mean T in weeks; gamma = mean m in money), since 1 week or 1 unit of money can be far off.
Newton steps (Hessian by central differences of the analytic gradient) then polish each answer to
~1e-10 relative. An answer counts when both starts agree to 1e-7 relative at a strict maximum.

Limits. The maximum need not exist: on the shared logs the supremum is often reached only as
parameters run to 0 or infinity (nobody drops out: a -> 0; one purchase rate for all: r, alpha ->
inf; one dropout probability: a, b -> inf; one spend rate: q, gamma -> inf). So the BG/NBD is also
fitted over the closure of its parameter space, in (ln(r/alpha), 1/r, a/(a+b), 1/(a+b)) with
bounds, where those limits are finite points (bgnbd_closure); the Gamma-Gamma is refitted in its
q -> inf limit when the 3-parameter search runs off. A limit is reported with the parameters that
diverge as null, a = 0 for "no dropout" (b is then not identified: null), the ratios that stay
finite (r_over_alpha, a_over_a_plus_b, q_over_gamma), the supremum as log_likelihood and a "limit"
text; it is checked to be a maximum over the closure (d LL/d coordinate <= 0 at each bound).
Since the limits are real cases, ln G differences are computed without cancellation: as sums of
logs for integer x (BG/NBD) and from Stirling's series for a large q (Gamma-Gamma).
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import digamma, gammaln


def summarise(path, as_of):
    """Per customer: x, t_x, T (weeks), and m (mean repeat occasion value; NaN if x = 0)."""
    rows = pd.read_csv(path, dtype={"customer_id": str, "day": str, "revenue": float})
    rows["day"] = pd.to_datetime(rows["day"], format="%Y-%m-%d")
    rows = rows[rows["day"] < as_of]
    occasions = rows.groupby(["customer_id", "day"], as_index=False)["revenue"].sum()
    occasions = occasions.sort_values(["customer_id", "day"])
    per = occasions.groupby("customer_id").agg(first=("day", "min"), last=("day", "max"),
                                               days=("day", "size"), total=("revenue", "sum"),
                                               first_value=("revenue", "first"))
    x = (per["days"] - 1).to_numpy(float)
    t_x = (per["last"] - per["first"]).dt.days.to_numpy(float) / 7.0
    T = (as_of - per["first"]).dt.days.to_numpy(float) / 7.0
    with np.errstate(invalid="ignore", divide="ignore"):
        m = ((per["total"] - per["first_value"]).to_numpy(float)) / x  # excludes the first day
    return x, t_x, T, m


def log_rising(z, x):
    """ln G(z+x) - ln G(z) and psi(z+x) - psi(z) for integer x >= 0, as sums of ln(z+k) and 1/(z+k)
    over k < x: exact also for a huge z (r -> infinity is a real case), where the difference of
    two gammaln values would lose every digit."""
    k = np.arange(int(x.max()))
    logs = np.concatenate([[0.0], np.cumsum(np.log(z + k))])
    inverses = np.concatenate([[0.0], np.cumsum(1.0 / (z + k))])
    return logs[x.astype(int)], inverses[x.astype(int)]


def bgnbd(log_params, x, t_x, T):
    """Total BG/NBD log-likelihood and its gradient with respect to the log-parameters.
    r ln(alpha) - (r+x) ln(alpha+T) is written -r log1p(T/alpha) - x ln(alpha+T) (same value,
    accurate when r and alpha are huge)."""
    r, alpha, a, b = np.exp(log_params)
    repeat = x > 0
    rise_r, d_rise_r = log_rising(r, x)
    rise_b, d_rise_b = log_rising(b, x)
    rise_ab, d_rise_ab = log_rising(a + b, x)
    l1 = -r * np.log1p(T / alpha) - x * np.log(alpha + T)  # still alive at T
    l2 = np.full_like(x, -np.inf)                           # dropped out just after t_x
    l2[repeat] = (np.log(a) - np.log(b + x[repeat] - 1) - r * np.log1p(t_x[repeat] / alpha)
                  - x[repeat] * np.log(alpha + t_x[repeat]))
    lse = np.logaddexp(l1, l2)
    w = np.exp(l2 - lse)                                    # share of the second term (0 if x = 0)
    ll = np.sum(rise_r + rise_b - rise_ab + lse)
    d_r = np.sum(d_rise_r - (1 - w) * np.log1p(T / alpha) - w * np.log1p(t_x / alpha))
    d_alpha = np.sum((1 - w) * (r * T - x * alpha) / (alpha * (alpha + T))
                     + w * (r * t_x - x * alpha) / (alpha * (alpha + t_x)))
    d_a = np.sum(-d_rise_ab + w / a)
    d_b = np.sum(d_rise_b - d_rise_ab) - np.sum(w[repeat] / (b + x[repeat] - 1))
    return ll, np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def log_gamma_ratio(q, k):
    """ln G(q+k) - ln G(q). For q > 1e4 from Stirling's series with log1p: there the difference of
    two gammaln values of size q ln q loses up to 8 digits, and q -> infinity is a real case."""
    def rest(z):  # ln G(z) - [(z - 1/2) ln z - z + ln(2 pi)/2]
        return 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5)
    if q <= 1e4:
        return gammaln(q + k) - gammaln(q)
    return k * np.log(q) + (q + k - 0.5) * np.log1p(k / q) - k + rest(q + k) - rest(q)


def gamma_gamma(log_params, x, m):
    """Total Gamma-Gamma log-likelihood and its gradient with respect to the log-parameters.
    q ln(gamma) - (px+q) ln(gamma+xm) is written -q log1p(xm/gamma) - px ln(gamma+xm)."""
    p, q, g = np.exp(log_params)
    px, s = p * x, x * m
    ll = np.sum(log_gamma_ratio(q, px) - gammaln(px) - q * np.log1p(s / g) - px * np.log(g + s)
                + (px - 1) * np.log(m) + px * np.log(x))
    d_p = np.sum(x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - np.log(g + s)))
    d_q = np.sum(digamma(px + q) - digamma(q) - np.log1p(s / g))
    d_g = np.sum((q * s - px * g) / (g * (g + s)))
    return ll, np.array([d_p, d_q, d_g]) * np.array([p, q, g])


def log1p_over(v):
    """log1p(v) / v, 1 at v = 0 (series below 1e-2, where the quotient loses digits)."""
    small = np.abs(v) < 1e-2
    series = sum((-v) ** n / (n + 1) for n in range(8))
    return np.where(small, series, np.log1p(np.where(small, 1.0, v)) / np.where(small, 1.0, v))


def log1p_curvature(v):
    """(log1p(v) - v/(1+v)) / v^2, 1/2 at v = 0 (series below 1e-2)."""
    small = np.abs(v) < 1e-2
    series = sum((-v) ** n * (n + 1) / (n + 2) for n in range(8))
    big = np.where(small, 1.0, v)
    return np.where(small, series, (np.log1p(big) - big / (1 + big)) / big ** 2)


def bgnbd_closure(params, x, t_x, T):
    """The BG/NBD log-likelihood and gradient in (ln lam, kappa, mu, phi): lam = r/alpha (mean
    purchase rate), kappa = 1/r, mu = a/(a+b) (mean dropout probability), phi = 1/(a+b). The same
    function as bgnbd(), rewritten so that it stays finite and smooth at kappa = 0 (r, alpha -> inf:
    one Poisson rate for everybody), phi = 0 (a, b -> inf: one dropout probability mu) and mu = 0
    (a -> 0: nobody drops out), where the supremum of the likelihood can lie. Per customer:
      ln[G(r+x)/G(r)] - x ln(alpha+H) = x ln lam + sum_k<x log1p(k kappa) - x log1p(kappa lam H)
      -r log1p(H/alpha) = -lam H log1p(kappa lam H)/(kappa lam H)              (H = T or t_x)
      ln[B(a, b+x)/B(a, b)] = sum_k<x [ln(1-mu+k phi) - log1p(k phi)]
      a/(b+x-1) = mu/(1-mu+(x-1)phi)"""
    log_lam, kappa, mu, phi = params
    lam, repeat, k = np.exp(log_lam), x > 0, np.arange(int(x.max()))

    def cum(terms):  # sum over k < x of terms[k], per customer
        return np.concatenate([[0.0], np.cumsum(terms)])[x.astype(int)]

    def rate(H):  # rate part for "alive until H", and its derivatives by ln lam and kappa
        u = lam * H
        v = kappa * u
        value = x * log_lam + cum(np.log1p(k * kappa)) - x * np.log1p(v) - u * log1p_over(v)
        return (value, x - (x * kappa + 1) * u / (1 + v),
                cum(k / (1 + k * kappa)) - x * u / (1 + v) + u ** 2 * log1p_curvature(v))

    alive = cum(np.log(1 - mu + k * phi) - np.log1p(k * phi))
    denominator = np.where(repeat, 1 - mu + (x - 1) * phi, 1.0)  # (b+x-1)/(a+b) for x > 0
    (v1, dl1, dk1), (v2, dl2, dk2) = rate(T), rate(t_x)
    l1 = v1 + alive
    l2_over_mu = np.where(repeat, v2 + alive - np.log(denominator), -np.inf)
    with np.errstate(divide="ignore"):
        l2 = l2_over_mu + np.log(mu)  # -inf for mu = 0
    lse = np.logaddexp(l1, l2)
    w, w_over_mu = np.exp(l2 - lse), np.exp(l2_over_mu - lse)
    d_mu = cum(-1 / (1 - mu + k * phi)) + w_over_mu + np.where(repeat, w / denominator, 0.0)
    d_phi = (cum(k / (1 - mu + k * phi) - k / (1 + k * phi))
             - np.where(repeat, w * (x - 1) / denominator, 0.0))
    return np.sum(lse), np.array([np.sum((1 - w) * dl1 + w * dl2), np.sum((1 - w) * dk1 + w * dk2),
                                  np.sum(d_mu), np.sum(d_phi)])


def gamma_gamma_common_nu(log_params, x, m):
    """Gamma-Gamma with q, gamma -> infinity, q/gamma = nu (every customer has the same nu):
    x*m ~ Gamma(p x, nu). Total LL and log-parameter gradient."""
    p, nu = np.exp(log_params)
    px = p * x
    ll = np.sum(px * np.log(nu * x) + (px - 1) * np.log(m) - nu * x * m - gammaln(px))
    d_p = np.sum(x * (np.log(nu * x) + np.log(m) - digamma(px)))
    d_nu = np.sum(px / nu - x * m)
    return ll, np.array([d_p * p, d_nu * nu])


def maximise(loglik, start, n, bounds=None, fixed=lambda theta: ()):
    """Maximises loglik (total LL, gradient) from `start`: BFGS (L-BFGS-B with bounds) on the mean LL
    per customer, so that tolerances do not depend on n, then Newton steps on the coordinates not
    held at a bound nor listed by fixed(theta) (not identified there). BFGS stops when its line
    search can no longer lower f in floating point, which can leave it short of the optimum along
    a flat direction; Newton steps, with the Hessian by central differences of the analytic
    gradient, fix that. Returns theta, LL, gradient, free coordinates, min Hessian eigenvalue."""
    lo = np.array([-np.inf if not bounds or bounds[i][0] is None else bounds[i][0]
                   for i in range(len(start))])
    hi = np.array([np.inf if not bounds or bounds[i][1] is None else bounds[i][1]
                   for i in range(len(start))])

    def objective(theta):
        with np.errstate(all="ignore"):  # trial points of a line search may be out of range
            ll, grad = loglik(theta)
        if not np.isfinite(ll):
            return np.inf, np.full_like(theta, np.nan)
        return -ll / n, -grad / n

    def hessian(theta, free):
        h = np.array([(objective(theta + e)[1] - objective(theta - e)[1])[free] / 2e-6
                      for e in np.eye(len(theta))[free] * 1e-6])
        return (h + h.T) / 2

    def free_coordinates(theta):
        free = (theta > lo) & (theta < hi)
        free[list(fixed(theta))] = False
        return free

    options = {"gtol": 1e-10, "maxiter": 10000} if bounds is None else \
        {"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10000}
    theta = minimize(objective, start, jac=True, method="BFGS" if bounds is None else "L-BFGS-B",
                     bounds=bounds, options=options).x
    for _ in range(8):  # kept while they lower the gradient (f is flat to rounding there)
        free = free_coordinates(theta)
        if not free.any():
            break
        step = np.zeros_like(theta)
        step[free] = np.linalg.lstsq(hessian(theta, free), -objective(theta)[1][free], rcond=None)[0]
        candidate = np.clip(theta + step, lo, hi)
        if not (np.max(np.abs(objective(candidate)[1][free_coordinates(candidate)]), initial=0)
                < np.max(np.abs(objective(theta)[1][free]))):
            break
        theta = candidate
    free = free_coordinates(theta)
    with np.errstate(all="ignore"):
        ll, grad = loglik(theta)
    return theta, ll, grad, free, np.linalg.eigvalsh(hessian(theta, free)).min() if free.any() else 1


def fit(name, loglik, starts, n, to_params, **bounded):
    """Fits from two starts. Returns (theta, LL, agreed): agreed when both answers are strict local
    maxima (Hessian of -LL positive definite on the free coordinates), have the same coordinates
    at bounds, and agree to 1e-7 relative in the model's parameters (to_params(theta) -> array;
    coordinates at a bound give 0 or inf there and must match exactly)."""
    answers = []
    for start in starts:
        t0 = time.perf_counter()
        theta, ll, grad, free, min_eig = maximise(loglik, start, n, **bounded)
        print(f"{name}: start {np.round(start, 6).tolist()} -> {to_params(theta).tolist()} "
              f"LL {ll!r}, |gradient| max over free coordinates "
              f"{np.max(np.abs(grad[free]), initial=0):.1e}, "
              f"at bounds {np.round(theta[~free], 12).tolist()} with gradient {grad[~free].tolist()}"
              f", min Hessian eigenvalue {min_eig:.3g}, {time.perf_counter() - t0:.2f} s",
              file=sys.stderr)
        answers.append((theta, ll, min_eig > 0, free, to_params(theta)))
    (_, _, pd0, f0, p0), (_, _, pd1, f1, p1) = answers
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.nanmax(np.where(p0 == p1, 0.0, np.abs(np.log(p0 / p1))))
    agreed = pd0 and pd1 and np.array_equal(f0, f1) and spread <= 1e-7
    print(f"{name}: the starts agree to {spread:.1e} relative: {'ok' if agreed else 'NO'}",
          file=sys.stderr)
    best = max(answers, key=lambda answer: answer[1])
    return best[0], best[1], agreed


def check(name, condition, text):
    print(f"{name}: {text}: {'ok' if condition else 'FAILED'}", file=sys.stderr)
    if not condition:
        sys.exit(f"{name}: check failed: {text}")


def closure_to_bgnbd(theta):
    """(ln lam, kappa, mu, phi) -> (r, alpha, a, b), with inf for r, alpha (kappa = 0) and a, b
    (phi = 0); a = 0 and b = nan (not identified) for mu = 0."""
    lam, kappa, mu, phi = np.exp(theta[0]), *theta[1:]
    with np.errstate(divide="ignore"):
        r = 1 / kappa
        return np.array([r, r / lam, mu / phi if mu > 0 else 0.0,
                         (1 - mu) / phi if mu > 0 else np.nan])


def fit_bgnbd(x, t_x, T):
    """BG/NBD maximum likelihood; when the supremum is only reached in a limit (parameters running
    to 0 or infinity), that limit, found over the closure of the parameter space."""
    n = len(x)
    theta, ll, agreed = fit("bgnbd", lambda th: bgnbd(th, x, t_x, T),
                            [np.log([1.0, 1.0, 1.0, 1.0]), np.log([1.0, T.mean(), 1.0, 1.0])],
                            n, np.exp)
    # The same model in (ln lam, kappa, mu, phi), from the same two starting points. mu = 0 leaves
    # phi without effect, so it is then left out of the Newton steps.
    closure, ll_c, agreed_c = fit(
        "bgnbd closure", lambda th: bgnbd_closure(th, x, t_x, T),
        [np.array([0.0, 1.0, 0.5, 0.5]), np.array([-np.log(T.mean()), 1.0, 0.5, 0.5])],
        n, closure_to_bgnbd, bounds=[(None, None), (0, 1e8), (0, 1 - 1e-9), (0, 1e8)],
        fixed=lambda th: [3] if th[2] == 0 else [])
    check("bgnbd", agreed_c, "the closure fit converged to one answer from both starts")
    params = closure_to_bgnbd(closure)
    if np.all((params > 0) & np.isfinite(params)):
        # An interior maximum. BFGS on the log-parameters can stall far from it when r is large
        # (a long curved ridge along r/alpha), so it is restarted from the closure's answer and
        # must stay there.
        if not (agreed and np.max(np.abs(theta - np.log(params))) < 1e-7):
            theta, ll, grad, _, min_eig = maximise(lambda th: bgnbd(th, x, t_x, T),
                                                   np.log(params), n)
            print(f"bgnbd: restarted from the closure's answer -> {np.exp(theta).tolist()} LL {ll!r}"
                  f", |gradient| max {np.max(np.abs(grad)):.1e}, min Hessian eigenvalue "
                  f"{min_eig:.3g}", file=sys.stderr)
        check("bgnbd", np.max(np.abs(theta - np.log(params))) < 1e-7,
              "the log-parameter and closure fits agree to 1e-7 relative")
        return dict(zip(["r", "alpha", "a", "b"], np.exp(theta).tolist()), log_likelihood=ll)
    # A limit. It is a maximum over the closure if every coordinate held at 0 has d LL <= 0 there
    # (the gradient is exact at the bound); the upper bounds (1e8) must not be reached.
    _, grad = bgnbd_closure(closure, x, t_x, T)
    at_zero = [i for i in (1, 2, 3) if closure[i] == 0 and not (i == 3 and closure[2] == 0)]
    check("bgnbd", all(grad[i] <= 1e-9 * n for i in at_zero) and closure[1] < 1e8 and
          closure[3] < 1e8, f"d LL <= 0 at the bounds {at_zero} ({grad[at_zero].tolist()})")
    check("bgnbd", ll <= ll_c + 1e-9 * abs(ll_c),
          f"the log-parameter search approaches it from below ({ll!r} <= {ll_c!r})")
    r, alpha, a, b = params
    out = dict(r=None if np.isinf(r) else r, alpha=None if np.isinf(alpha) else alpha,
               a=None if np.isinf(a) else a, b=None if not np.isfinite(b) else b,
               log_likelihood=ll_c)
    limit = []
    if np.isinf(r):
        out["r_over_alpha"] = float(np.exp(closure[0]))
        limit.append("r, alpha -> infinity with r/alpha fixed (one Poisson purchase rate for all)")
    if a == 0:
        limit.append("a -> 0 with b not identified (nobody drops out)")
    elif np.isinf(a):
        out["a_over_a_plus_b"] = float(closure[2])
        limit.append("a, b -> infinity with a/(a+b) fixed (one dropout probability for all)")
    out["limit"] = "; ".join(limit)
    return out


def fit_gamma_gamma(x, m):
    """Gamma-Gamma maximum likelihood, or its limit q, gamma -> infinity (the only boundary handled:
    the 3-parameter search running there is checked, and so is the limit's first-order condition)."""
    n = len(x)
    theta, ll, agreed = fit("gamma_gamma", lambda th: gamma_gamma(th, x, m),
                            [np.log([1.0, 1.0, 1.0]), np.log([1.0, 1.0, m.mean()])], n, np.exp)
    if agreed and np.all(np.abs(theta) < np.log(1e6)):
        return dict(zip(["p", "q", "gamma"], np.exp(theta).tolist()), log_likelihood=ll)
    th0, ll0, agreed0 = fit("gamma_gamma q->inf", lambda th: gamma_gamma_common_nu(th, x, m),
                            [np.log([1.0, 1.0]), np.log([1.0, 1.0 / m.mean()])], n, np.exp)
    check("gamma_gamma", agreed0, "the common-nu model converged to one answer from both starts")
    p, nu = np.exp(th0)
    # With q = 1/kappa, gamma = q/nu: d LL / d kappa at kappa = 0 is sum((p x - nu x m)^2 - p x)/2.
    slope = np.sum((p * x - nu * x * m) ** 2 - p * x) / 2
    check("gamma_gamma", slope <= 0, f"d LL / d(1/q) at 1/q = 0: {slope:.6g} <= 0")
    check("gamma_gamma", ll <= ll0 + 1e-9 * abs(ll0),
          f"the 3-parameter search approaches the limit from below ({ll!r} <= {ll0!r})")
    return dict(p=p, q=None, gamma=None, q_over_gamma=nu, log_likelihood=ll0,
                limit="q, gamma -> infinity with q/gamma fixed (every customer has the same nu)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("transactions", help="CSV customer_id,day,revenue")
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD, exclusive")
    args = ap.parse_args()
    as_of = pd.Timestamp(args.as_of)

    x, t_x, T, m = summarise(args.transactions, as_of)
    rep = x > 0
    if rep.sum() < 2:
        sys.exit("reference: fewer than 2 repeat customers before as_of")
    out = {"customers": len(x), "repeat_customers": int(rep.sum()),
           "frequency_spend_correlation": float(np.corrcoef(x[rep], m[rep])[0, 1]),
           "bgnbd": fit_bgnbd(x, t_x, T), "gamma_gamma": fit_gamma_gamma(x[rep], m[rep])}
    print(json.dumps(out, indent=2, default=float))


if __name__ == "__main__":
    main()
