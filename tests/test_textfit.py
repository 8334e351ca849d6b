"""textfit: remembered measurements equal the font's, and the word wrap equals the plain greedy wrap."""

from __future__ import annotations

import numpy as np
import pytest

from coaching_roi import textfit

VOCAB = (
    "a I of to the rep reps coached coaching behavior win rate deals deal cycle (95% CI +1 pp to +25 pp) "
    "n = 12 coached reps; early signal — not confirmed yet: $1.2M $492K 4.4 weeks Établi naïve Ökonomie "
    "“Maps the decision process” 'Who else signs off?' minimum-detectable-effect supercalifragilisticexpialidocious "
    "WWWWWWWWWWWW iiiiiiiiiiii 1,820 0.60 → ≥ × 80% fi fl ffi AV To Ty LT"
).split()


def _plain_wrap(text: str, width_in: float, size_pt: float, *, bold: bool = False) -> list[str]:
    """The greedy wrap measured one word more at a time, every line measured by the font afresh."""
    font = textfit._font(bold)

    def width(t: str) -> float:
        return float(font.getlength(t)) * size_pt / textfit._REF_PX

    lines: list[str] = []
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        cur = words[0]
        for w in words[1:]:
            trial = f"{cur} {w}"
            if width(trial) <= width_in * 72:
                cur = trial
            else:
                lines.append(cur)
                cur = w
        lines.append(cur)
    return lines


def _texts(seed: int, n: int) -> list[str]:
    rng = np.random.default_rng(seed)
    out = ["", "one", "two words", "line one\nline two\n\nline four", "   spaced   out   "]
    for _ in range(n):
        k = int(rng.integers(1, 60))
        words = [VOCAB[i] for i in rng.integers(0, len(VOCAB), size=k)]
        if rng.random() < 0.2:
            words.insert(int(rng.integers(0, k)), "\n")
        out.append(" ".join(words))
    return out


@pytest.mark.parametrize("bold", [False, True])
def test_the_wrap_equals_the_plain_greedy_wrap(bold):
    rng = np.random.default_rng(7)
    checked = 0
    for text in _texts(11 + bold, 150):
        for width_in in (0.4, 1.3, float(rng.uniform(0.5, 13)), 6.1):
            for size_pt in (9, 14, float(rng.uniform(8, 30))):
                assert textfit.wrap(text, width_in, size_pt, bold=bold) == _plain_wrap(
                    text, width_in, size_pt, bold=bold), (text, width_in, size_pt)
                checked += 1
    assert checked == 155 * 4 * 3


def test_a_line_exactly_at_the_limit_stays_on_one_line():
    text = "coached reps won more deals"
    w = textfit.width_pt(text, 14) / 72
    assert textfit.wrap(text, w, 14) == [text] == _plain_wrap(text, w, 14)
    assert len(textfit.wrap(text, w - 1e-9, 14)) == 2 == len(_plain_wrap(text, w - 1e-9, 14))


def test_remembered_widths_equal_the_fonts_measure():
    for bold in (False, True):
        font = textfit._font(bold)
        for text in [t for t in _texts(3, 20) if t.strip() and "\n" not in t] + ["x", " ", "—"]:
            for size in (10, 14.5):
                first = textfit.width_pt(text, size, bold=bold)
                assert first == textfit.width_pt(text, size, bold=bold) == float(font.getlength(text)) * size / 200
