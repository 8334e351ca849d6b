"""The one atomic writer (safety.atomic_write and its Parquet / CSV forms)."""

import pandas as pd
import pytest

from coaching_roi import safety


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out" / "t.parquet"
    df = pd.DataFrame({"a": [1, 2]})
    safety.atomic_parquet(df, path)
    assert pd.read_parquet(path)["a"].tolist() == [1, 2]

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        safety.atomic_write(path, broken)
    assert pd.read_parquet(path)["a"].tolist() == [1, 2]
    assert sorted(p.name for p in path.parent.iterdir()) == ["t.parquet"]


def test_atomic_csv_writes_the_bom_when_asked(tmp_path):
    df = pd.DataFrame({"name": ["Zoë"], "x": [1.25]})
    safety.atomic_csv(df, tmp_path / "a.csv", encoding="utf-8-sig", index=False)
    safety.atomic_csv(df, tmp_path / "b.csv", index=False, float_format="%.1f", lineterminator="\n")
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "b.csv").read_bytes() == "name,x\nZoë,1.2\n".encode()
