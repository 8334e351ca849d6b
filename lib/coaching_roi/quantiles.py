"""Quantiles and tail areas of Student's t and the normal distribution, without importing ``scipy.stats``.

``scipy.stats`` takes about a second of CPU to import; the deck (notebook 05) and the verdict rule need
only these few numbers. Each function calls the ``scipy.special`` routine that ``scipy.stats`` itself
calls (``t.ppf`` is ``stdtrit``, ``t.sf`` is ``stdtr`` at ``-x``, ``norm.ppf`` is ``ndtri``), so the
values are bit-identical (tests/test_quantiles.py).
"""

from __future__ import annotations

from scipy import special as _sc


def t_ppf(p: float, df: float) -> float:
    """The ``p``-quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``)."""
    return float(_sc.stdtrit(df, p))


def t_ppf_many(p: float, df):
    """:func:`t_ppf` for an array of degrees of freedom (one quantile each)."""
    return _sc.stdtrit(df, p)


def t_sf(x: float, df: float) -> float:
    """P(T > ``x``) for Student's t with ``df`` degrees of freedom (``scipy.stats.t.sf``)."""
    return float(_sc.stdtr(df, -x))


def norm_ppf(p: float) -> float:
    """The ``p``-quantile of the standard normal (``scipy.stats.norm.ppf``)."""
    return float(_sc.ndtri(p))
