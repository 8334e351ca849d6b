"""What a run prints while it works: elapsed time and an estimate of the time left.

The estimate comes from the previous run's timings in its manifest (each notebook's last real
execution): the longest chain of the notebooks still to finish through the dependency graph, less
what the running ones have already spent. Without earlier timings only the elapsed time is shown.
"""

from __future__ import annotations

import time


def clock_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Clock:
    """Elapsed time of a run and the estimate of what is left."""

    def __init__(self, deps: dict[str, set[str]], previous_seconds: dict[str, float | None], *,
                 t_start: float | None = None) -> None:
        self.deps = deps
        self.previous = {k: float(v) for k, v in previous_seconds.items() if v is not None}
        self.t_start = time.perf_counter() if t_start is None else t_start
        self.started_at: dict[str, float] = {}
        self.done: set[str] = set()

    def started(self, stem: str) -> None:
        self.started_at[stem] = time.perf_counter()

    def finished(self, stem: str) -> None:
        self.done.add(stem)

    def left(self, now: float | None = None) -> float | None:
        """Seconds left (longest remaining chain), or None when a notebook has no earlier timing."""
        now = time.perf_counter() if now is None else now
        todo = [s for s in self.deps if s not in self.done]
        if any(s not in self.previous for s in todo):
            return None
        finish: dict[str, float] = {}

        def _finish(s: str) -> float:
            if s in self.done:
                return 0.0
            if s not in finish:
                own = self.previous[s]
                if s in self.started_at:
                    own = max(0.0, own - (now - self.started_at[s]))
                finish[s] = own + max((_finish(d) for d in self.deps[s]), default=0.0)
            return finish[s]

        return max((_finish(s) for s in todo), default=0.0)

    def text(self) -> str:
        """`` · 0:42 elapsed · about 0:30 left`` (the estimate only when one can be made)."""
        now = time.perf_counter()
        out = f" · {clock_text(now - self.t_start)} elapsed"
        left = self.left(now)
        if left is not None and len(self.done) < len(self.deps):
            out += f" · about {clock_text(left)} left"
        return out
