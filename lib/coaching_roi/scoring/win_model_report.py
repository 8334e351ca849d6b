"""What notebook 02 shows of the win model: its table and sentences."""

from __future__ import annotations

import pandas as pd

from coaching_roi.verdict import sides

from .win_model import NO_OPPORTUNITIES, NO_SCORES, WinModelResult, _level_text


# ------------------------------------------------------------------------------------ words and tables
def describe_win_model_skip(why: str) -> str:
    """Tell the reader why no AUC is reported, and how to get one."""
    if why == NO_SCORES:
        return "Not available: there are no scored calls (see above), so there is nothing to predict wins from."
    if why == NO_OPPORTUNITIES:
        return ("No CRM opportunities were provided, so there are no won or lost deals to predict: the win model "
                "is not fitted and no AUC is reported. Fix: add opportunities.csv (a closed-won/lost export).")
    return (f"The win model is skipped: {why}. Fitting it on so few deals would mostly "
            "describe noise, so no AUC is reported rather than a misleading one.")


def win_model_table(win: WinModelResult, *, level: float = 0.95) -> pd.DataFrame:
    """One-row display table of the win model: deals, reps, outcomes, behaviors, AUC with interval and spread."""
    return pd.DataFrame([{
        "closed deals": win.n_deals, "reps": win.n_reps, "won": win.n_won, "lost": win.n_lost,
        "behaviors used": len(win.features), "cross-validated AUC": f"{win.auc:.2f}",
        f"{_level_text(level)} interval": f"{win.ci_low:.2f} to {win.ci_high:.2f}",
        "spread across folds (SD)": f"{win.auc_sd:.2f}"}])


def describe_auc_interval(win: WinModelResult) -> str:
    """How the AUC interval is made and what the fold spread is."""
    return (f"How the interval is made: {win.interval_method}. The spread is the standard deviation of the "
            f"AUC across {len(win.fold_aucs)} held-out folds of about {win.n_deals // win.n_splits} deals "
            f"({max(1, win.n_reps // win.n_splits)} reps) each.")


def describe_importance(importance: pd.DataFrame, labels: dict[str, str], *, level: float = 0.95) -> tuple[str, str]:
    """Title and reading of the permutation-importance figure: which behaviors clearly help, in which direction."""
    clear = importance[sides(importance["ci_low"], importance["ci_high"]) == "positive"]
    if clear.empty:
        title = "No single behavior clearly drives the prediction"
    else:
        top = clear.iloc[0]
        title = f"The prediction leans most on {labels.get(top['behavior'], top['behavior'])}"
    pos = [labels.get(b, b) for b in clear.loc[clear["coef_std"] > 0, "behavior"]]
    neg = [labels.get(b, b) for b in clear.loc[clear["coef_std"] <= 0, "behavior"]]
    line = (f"{len(clear)} of {len(importance)} behaviors help the prediction beyond fold-to-fold noise "
            "(blue; grey bars cross zero)."
            if len(clear) else "Every behavior's interval crosses zero: none helps the prediction clearly on its own.")
    if pos:
        line += " Higher scores go with more wins on: " + ", ".join(pos) + "."
    if neg:
        line += " Higher scores go with fewer wins on: " + ", ".join(neg) + " (worth a look at how these are scored)."
    return title, line + f" Bars: middle {_level_text(level)} of held-out folds (each fold holds reps the model did not see)."
