"""Display helpers shared by the notebooks: user text is escaped, tables read left to right."""

from __future__ import annotations

import pandas as pd

from coaching_roi import nbsupport


def test_tables_escape_user_text_and_align_text_left():
    df = pd.DataFrame({"rep": ["<script>alert(1)</script>", "O'Brien"], "n_calls": [3, 12]})
    html = nbsupport._styled(df, caption="Reps <all>", precision=2, all_left=False).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Reps &lt;all&gt;" in html
    assert "text-align: left" in html


def test_sentence_tables_are_left_aligned_everywhere():
    df = pd.DataFrame({"n": [1], "reading": ["a sentence"]})
    html = nbsupport._styled(df, caption=None, precision=2, all_left=True).to_html()
    assert html.count("text-align: left") >= 2


def test_one_blas_thread_limits_every_blas_library():
    from threadpoolctl import threadpool_info, threadpool_limits

    from coaching_roi import nbsupport

    with threadpool_limits(limits=None):  # restore this process's setting afterwards
        nbsupport.one_blas_thread()
        blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == 1 for i in blas)
