"""Comparing two counts (this 12 months against the 12 before), allowing for overdispersion.

Why not percent change
----------------------
"Percent change is a horrible metric" for crime counts (Andrew Wheeler): 25 robberies against
16 is +56% and may be noise. A change is news only when a test says so at 5% (GUIDE section 2,
"Comparing two counts").

Why not a pure Poisson test
---------------------------
Under Poisson variation a count's variance equals its mean, so 20,000 crimes vary by about
±141 by chance and a 2% rise (+400) is "significant" (p = 0.047). Real counts are
*overdispersed*: months wobble together (weather, events, recording drives), so a force's
variance is often 2-5 times its mean. The pure Poisson test is therefore used only when there
is no history to estimate the extra variation, and the sentence then says so.

Dispersion (:func:`dispersion`)
-------------------------------
The *quasi-Poisson dispersion* is the ratio of a count's variance to its mean, ``phi``; Poisson
is ``phi = 1``. It is estimated from the series' own history (months or quarters, seasonally
adjusted when the caller has done so, see :mod:`pcp_data.seasonal`)::

    mR_i  = |x_i - x_(i-1)|          (consecutive periods, both present)
    sigma = mean(mR) / 1.128         (the XmR estimate of the short-term standard deviation)
    phi   = max(1, sigma² / mean(x))

The moving-range estimate is the one SPC uses: it compares only neighbours, so a trend or a
seasonal swing between distant periods does not inflate it the way the ordinary variance of
the whole series would. ``phi`` is floored at 1: a count is never assumed less variable than
Poisson.

The test (:func:`count_test`)
-----------------------------
With rates ``r1 = a / t1`` (current count over its exposure: years, population, days) and
``r2 = b / t2``::

    z = (r1 - r2) / sqrt(phi (a / t1² + b / t2²))
    p = 2 (1 - Phi(|z|))                      (two-sided, standard normal)

With equal exposures this is the funnel-plot statistic for overdispersed counts
(Spiegelhalter) ``z = (a - b) / sqrt(phi (a + b))``.

``phi`` is a *per-period* dispersion, but the counts tested are usually sums of ``k`` periods
(12 months). The variance of a sum of ``k`` independent quasi-Poisson counts is
``sum(phi · mean_i) = phi · (sum of the means)``, so the same ``phi`` applies to the totals.
(If neighbouring months are positively correlated beyond what the moving ranges show, the
totals vary a little more than this; the test is then still too generous, never too strict.)

Without a dispersion the test is the exact Poisson means test of Krishnamoorthy and Thomson
(the E-test), :func:`scipy.stats.poisson_means_test`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

D2 = 1.128
"""Mean moving range of two independent normal values, in standard deviations (d2 for n = 2)."""

MINIMUM_POINTS = 6
"""Observed periods needed before a dispersion is estimated."""

QUASI_POISSON = "quasi-Poisson"
POISSON_EXACT = "Poisson (exact, no history)"
DISPERSION_METHOD = "moving range (sigma = mean mR / 1.128; phi = max(1, sigma² / mean))"


@dataclass(frozen=True)
class Dispersion:
    """A quasi-Poisson dispersion estimated from a series' history.

    Attributes
    ----------
    phi : float
        Variance over mean, at least 1.
    points : int
        Observed periods it rests on.
    method : str
        :data:`DISPERSION_METHOD`.
    """

    phi: float
    points: int
    method: str

    @property
    def words(self) -> str:
        """E.g. ``"Dispersion 3.2: the counts vary 3.2 times as much as pure chance (Poisson)
        would make them (variance over mean, from the moving ranges of 36 periods)."``"""
        basis = f"from the moving ranges of {self.points} periods"
        if self.phi <= 1:
            return (
                f"Dispersion 1: the counts vary no more than pure chance (Poisson) would make "
                f"them ({basis})."
            )
        return (
            f"Dispersion {self.phi:.1f}: the counts vary {self.phi:.1f} times as much as pure "
            f"chance (Poisson) would make them (variance over mean, {basis})."
        )


def dispersion(values: pd.Series) -> Dispersion | None:
    """Quasi-Poisson dispersion of a count series from its own moving ranges.

    Parameters
    ----------
    values : pandas.Series
        Counts per period in date order (pass the seasonally adjusted values when there are
        any). NaN is a missing period: it is left out of the mean, and no moving range is taken
        across it.

    Returns
    -------
    Dispersion or None
        None with fewer than 6 observed periods, no two consecutive ones, or a mean that is not
        positive.

    Examples
    --------
    >>> d = dispersion(pd.Series([100.0, 110, 95, 105, 100, 90]))
    >>> round(d.phi, 3)  # mean mR 10, sigma 8.865, sigma² 78.59, mean 100
    1.0
    """
    v = pd.to_numeric(pd.Series(values), errors="raise").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(v).any():
        raise ValueError("the series holds an infinite value")
    present = ~np.isnan(v)
    points = int(present.sum())
    if points < MINIMUM_POINTS:
        return None
    mr = np.abs(np.diff(v))
    mr = mr[~np.isnan(mr)]
    mean = float(v[present].mean())
    if len(mr) == 0 or mean <= 0:
        return None
    sigma = float(mr.mean()) / D2
    return Dispersion(phi=max(1.0, sigma * sigma / mean), points=points, method=DISPERSION_METHOD)


@dataclass(frozen=True)
class CountTest:
    """Two counts compared, as rates over their exposures, at ``alpha``.

    Attributes
    ----------
    current, previous : float
        The later and the earlier count.
    current_exposure, previous_exposure : float
        What each count is spread over (1 for equal periods).
    ratio : float or None
        ``(current / current_exposure) / (previous / previous_exposure)``; None when the
        previous count is 0 or either count is missing or negative.
    pct_change : float or None
        ``100 (ratio - 1)``.
    z : float or None
        Test statistic, positive for a rise (None when not judged).
    p_value : float or None
        Two-sided p-value (None when not judged).
    significant : bool
        True only when judged and ``p_value < alpha``.
    direction : str
        ``"up"``, ``"down"`` or ``"none"``: the sign of the change, whatever its significance.
    phi : float or None
        Dispersion used (None for the Poisson test).
    method : str
        :data:`QUASI_POISSON` or :data:`POISSON_EXACT`.
    alpha : float
        Significance level.
    sentence : str
        One plain-English sentence explaining the result.
    judged : bool
        False when a count is zero, negative or missing: nothing was tested.
    """

    current: float
    previous: float
    current_exposure: float
    previous_exposure: float
    ratio: float | None
    pct_change: float | None
    z: float | None
    p_value: float | None
    significant: bool
    direction: str
    phi: float | None
    method: str
    alpha: float
    sentence: str
    judged: bool


def count_test(
    current: float,
    previous: float,
    *,
    current_exposure: float = 1.0,
    previous_exposure: float = 1.0,
    dispersion: Dispersion | float | None = None,
    alpha: float = 0.05,
    current_words: str = "the latest 12 months",
    previous_words: str = "the 12 months before",
) -> CountTest:
    """Test whether ``current`` differs from ``previous``, allowing for overdispersion.

    Parameters
    ----------
    current, previous : float
        Counts in the later and the earlier period.
    current_exposure, previous_exposure : float, default 1
        What each count is spread over (e.g. years, or population in thousands); the rates
        ``count / exposure`` are compared. Must be positive.
    dispersion : Dispersion or float or None
        The series' quasi-Poisson dispersion (at least 1). None: no history, so the exact
        Poisson means test is used and the sentence says it assumes Poisson variation.
    alpha : float, default 0.05
        Two-sided significance level.
    current_words, previous_words : str
        Words naming the periods in the sentence.

    Returns
    -------
    CountTest

    Raises
    ------
    ValueError
        When an exposure is not a positive number, ``alpha`` is not between 0 and 1, or the
        dispersion is below 1 or not finite.

    Examples
    --------
    >>> t = count_test(1100, 1000, dispersion=1.0)
    >>> round(t.z, 3), round(t.p_value, 3), t.significant
    (2.182, 0.029, True)
    >>> count_test(1100, 1000, dispersion=4.0).significant
    False
    """
    t1, t2 = _exposure(current_exposure, "current"), _exposure(previous_exposure, "previous")
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    phi = _phi(dispersion)
    method = POISSON_EXACT if phi is None else QUASI_POISSON
    a, b = float(current), float(previous)
    ratio = None
    if _usable(a) and _usable(b) and b > 0:
        ratio = (a / t1) / (b / t2)
    pct = None if ratio is None else 100 * (ratio - 1)
    direction = "none"
    if _usable(a) and _usable(b) and a / t1 != b / t2:
        direction = "up" if a / t1 > b / t2 else "down"
    rates = t1 != t2
    figures = f"{_count(a)} in {current_words} against {_count(b)} in {previous_words}"

    def result(
        z: float | None, p: float | None, significant: bool, sentence: str, judged: bool
    ) -> CountTest:
        return CountTest(
            a, b, t1, t2, ratio, pct, z, p, significant, direction, phi, method, alpha,
            sentence, judged,
        )  # fmt: skip

    why = _not_judged(a, b, current_words, previous_words)
    if why is not None:
        return result(None, None, False, f"Not judged: {figures}; {why}.", False)

    if phi is None:
        if not (a.is_integer() and b.is_integer()):
            why = (
                "the exact Poisson test needs whole counts, and there is no history to "
                "estimate how much the counts vary"
            )
            return result(None, None, False, f"Not judged: {figures}; {why}.", False)
        res = stats.poisson_means_test(int(a), t1, int(b), t2)
        z, p = float(res.statistic), float(res.pvalue)
        how = f"Poisson means test, {_p(p)}"
        caveat = "; it assumes Poisson variation: no history to estimate how much the counts vary"
    else:
        z = (a / t1 - b / t2) / math.sqrt(phi * (a / t1**2 + b / t2**2))
        p = float(2 * stats.norm.sf(abs(z)))
        how = (
            f"quasi-Poisson test allowing for the series' own variation, dispersion "
            f"{phi:.1f}, {_p(p)}"
        )
        caveat = ""
    significant = p < alpha
    change = _change(pct, direction, rates)
    if significant:
        verdict = f"{change}, a statistically significant change ({how}{caveat})"
    else:
        verdict = f"{change}, not a statistically significant change ({how}, not below "
        verdict += f"{alpha * 100:g}%{caveat})"
    return result(z, p, significant, f"{figures[0].upper()}{figures[1:]}: {verdict}.", True)


def _exposure(t: float, which: str) -> float:
    try:
        value = float(t)
    except (TypeError, ValueError):
        raise ValueError(f"the {which} exposure must be a number, not {t!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"the {which} exposure must be a positive number, not {t!r}")
    return value


def _phi(d: Dispersion | float | None) -> float | None:
    if d is None:
        return None
    phi = float(d.phi if isinstance(d, Dispersion) else d)
    if not math.isfinite(phi) or phi < 1:
        raise ValueError(f"a dispersion must be a finite number of at least 1, not {phi!r}")
    return phi


def _usable(x: float) -> bool:
    return math.isfinite(x) and x >= 0


def _not_judged(a: float, b: float, current_words: str, previous_words: str) -> str | None:
    for x, words in ((a, current_words), (b, previous_words)):
        if math.isnan(x):
            return f"there is no count for {words}"
        if not math.isfinite(x) or x < 0:
            return f"the count for {words} is not a valid count"
    if a == 0 and b == 0:
        return "nothing was counted in either period, so there is no change to test"
    if a == 0 or b == 0:
        words = current_words if a == 0 else previous_words
        return (
            f"a count of 0 in {words} more often means missing data than no events, so the "
            "change is not tested"
        )
    return None


def _change(pct: float | None, direction: str, rates: bool) -> str:
    subject = "the rate is " if rates else ""
    if pct is None or direction == "none":
        return f"{subject}unchanged" if rates else "no change"
    return f"{subject}{direction} {abs(pct):.1f}%"


def _count(x: float) -> str:
    if not math.isfinite(x):
        return "no figure"
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
