"""Reading an earlier notebook's Parquet artifact for notebook 03 (None when absent)."""

from __future__ import annotations

import pandas as pd


# ------------------------------------------------------------------------------ notebook helpers
def read_artifact(cfg, name: str) -> pd.DataFrame | None:
    """Read an earlier notebook's Parquet artifact (e.g. ``02_rep_quarter_composite``); None when absent."""
    path = cfg.artifact(name)
    return pd.read_parquet(path) if path.exists() else None
