"""A reader's words for the internal names that reasons carry (table, column, artifact and estimate names).

Reasons for a missing number come from the notebooks ("needs reps.hire_date", "no coaching_sessions
table"); :func:`plain` turns them into words before a reader sees them.
"""

from __future__ import annotations

import re

from coaching_roi import estimate_ids as ids

# Names of tables and artifacts as a reader should see them inside a reason.
PLAIN_NAMES = {
    "coaching_sessions": "coaching log", "call_scores": "call scores", "sdr_activity": "SDR activity",
    "opportunities": "opportunities", "reps": "rep list", "calls": "calls",
    "02_rep_quarter_composite": "notebook 02's rep scores", "02_opportunity_discovery_scores": "notebook 02's deal scores",
    "02_rep_week_behavior": "notebook 02's weekly scores", "02_call_composite": "notebook 02's call scores",
    "layers_2_3": "behavior change and outcome link", "layer1_activity": "coaching activity",
}
_SNAKE = re.compile(r"(?<![\w./-])((?:\d\d_)?[a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?:\.([a-z][a-z0-9_]*))?(?![\w/-])")


def plain(text: str) -> str:
    """Replace internal names inside a reason by words ("needs reps.hire_date" -> "needs hire date (rep list)").

    Known tables and artifacts get their reader's name; other snake_case names become words. File
    names (``sales_pipeline.csv``) are the user's own and stay as they are.
    """
    def _one(m: re.Match) -> str:
        name, col = m.group(1), m.group(2)
        if col in ("csv", "json", "parquet", "xlsx", "yaml", "html", "pdf", "pptx", "ipynb"):
            return m.group(0)
        words = PLAIN_NAMES.get(name, ids.sub_label(name, None))
        return f"{col.replace('_', ' ')} ({words})" if col else words

    text = re.sub(r"\b[a-z][a-z0-9_]*::[a-z0-9_]+\b", lambda m: ids.label(m.group(0)).lower(), str(text))
    text = re.sub(r"\b(reps|opportunities|calls|coaching_sessions)\.([a-z][a-z0-9_]*)\b",
                  lambda m: f"{m.group(2).replace('_', ' ')} ({PLAIN_NAMES.get(m.group(1), m.group(1))})", text)
    text = _SNAKE.sub(_one, text).replace("::", ": ")
    return re.sub(r"\b([\w' ]+?) \(\1\)", r"\1", text)  # "coaching log (coaching log)" -> "coaching log"
