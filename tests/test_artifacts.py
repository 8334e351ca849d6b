"""The artifact registry: schema checked on write and read, atomic writes, one error naming the writer."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from coaching_roi import artifacts, config, plan, scoring
from coaching_roi.errors import WorkbookError


def _cfg(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    cfg = config.build(quarter="2026Q3", data_dir=str(data), name="t", run_dir=str(tmp_path / "run"))
    cfg.artifacts_dir.mkdir(parents=True)
    return cfg


def _rep_week() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": ["a", "b"], "week": pd.to_datetime(["2026-07-06", "2026-07-13"]),
                         "behavior": ["x", "y"], "mean_score": [5.0, 6.5], "n_calls": [2, 3]})


def test_registry_names_a_writer_and_columns_for_every_02_artifact():
    assert set(scoring.ARTIFACTS) <= set(artifacts.REGISTRY)
    for name, a in artifacts.REGISTRY.items():
        assert a.name == name and a.notebook[:2] == name[:2] and a.columns
        assert list(artifacts.empty(name).columns) == list(a.columns)


def test_write_then_read_round_trips_and_leaves_no_temp_file(tmp_path):
    cfg = _cfg(tmp_path)
    artifacts.write(cfg, "02_rep_week_behavior", _rep_week())
    back = artifacts.read(cfg, "02_rep_week_behavior")
    pd.testing.assert_frame_equal(back, _rep_week(), check_dtype=False)
    assert sorted(p.name for p in cfg.artifacts_dir.iterdir()) == ["02_rep_week_behavior.parquet"]


def test_write_refuses_a_frame_that_breaks_the_schema(tmp_path):
    cfg = _cfg(tmp_path)
    with pytest.raises(ValueError, match="column n_calls is missing"):
        artifacts.write(cfg, "02_rep_week_behavior", _rep_week().drop(columns=["n_calls"]))
    with pytest.raises(ValueError, match="column mean_score is object, not float|column mean_score is str"):
        artifacts.write(cfg, "02_rep_week_behavior", _rep_week().assign(mean_score=["5", "6"]))
    assert not cfg.artifact("02_rep_week_behavior").exists()


def test_missing_artifact_raises_one_error_naming_the_notebook_that_writes_it(tmp_path):
    cfg = _cfg(tmp_path)
    with pytest.raises(WorkbookError, match=r"02_rep_quarter_composite\.parquet is missing.*run 02_behavioral_scoring first"):
        artifacts.read(cfg, "02_rep_quarter_composite")
    with pytest.raises(WorkbookError, match="run 03_cohort_comparison first"):
        artifacts.read(cfg, "03_quartiles")
    assert artifacts.read(cfg, "03_quartiles", missing_ok=True) is None


def test_read_checks_the_schema_of_what_is_on_disk(tmp_path):
    cfg = _cfg(tmp_path)
    _rep_week().drop(columns=["week"]).to_parquet(cfg.artifact("02_rep_week_behavior"))  # an older writer
    with pytest.raises(WorkbookError, match="column week is missing.*run 02_behavioral_scoring again"):
        artifacts.read(cfg, "02_rep_week_behavior")


def test_written_empty_means_ran_with_nothing_not_missing(tmp_path):
    cfg = _cfg(tmp_path)
    artifacts.write(cfg, "02_rep_week_behavior", _rep_week())  # an earlier run's scores ...
    artifacts.write_all(cfg, {}, scoring.ARTIFACTS)  # ... replaced by a run without scored calls
    for name in scoring.ARTIFACTS:
        assert cfg.artifact(name).exists() and artifacts.read(cfg, name) is None


def _intake_only(cfg):
    """Notebook 01 has run (with no table present), notebook 02 has not."""
    (cfg.artifacts_dir / "01_tables.json").write_text(json.dumps({"present": [], "absent": {"reps": "no file"}}))


def test_plan_inputs_read_02_and_never_rescore_calls(tmp_path):
    cfg = _cfg(tmp_path)
    _intake_only(cfg)
    with pytest.raises(WorkbookError, match="run 02_behavioral_scoring first"):
        plan.load_inputs(cfg)
    artifacts.write_all(cfg, {}, scoring.ARTIFACTS)
    inp = plan.load_inputs(cfg)
    assert inp.call_behavior is None and inp.rep_quarter_behavior is None
    assert any("Notebook 02 has no scored calls" in n for n in inp.notes)
