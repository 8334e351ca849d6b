"""The rubric section of params: scored behaviors, the scale, the composite and discovery call types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from coaching_roi.config.strict import _Strict

if TYPE_CHECKING:
    import pandas as pd


class Behavior(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    phase: str
    weight: float = Field(default=1.0, gt=0)


class Rubric(_Strict):
    scale_min: float = 0
    scale_max: float = 10
    behaviors: tuple[Behavior, ...]
    composite_behaviors: tuple[str, ...]
    discovery_call_types: tuple[str, ...] = ("discovery",)

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        if self.scale_max <= self.scale_min:
            raise ValueError("rubric.scale_max must be greater than rubric.scale_min")
        keys = [b.key for b in self.behaviors]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"rubric.behaviors has duplicate keys: {', '.join(dupes)}")
        unknown = [k for k in self.composite_behaviors if k not in keys]
        if unknown:
            raise ValueError(
                f"rubric.composite_behaviors names behaviors not in the rubric: {', '.join(unknown)}"
            )
        if not self.composite_behaviors:
            raise ValueError("rubric.composite_behaviors must name at least one behavior")
        return self

    @property
    def keys(self) -> list[str]:
        return [b.key for b in self.behaviors]

    @property
    def weights(self) -> dict[str, float]:
        return {b.key: b.weight for b in self.behaviors}

    @property
    def phases(self) -> dict[str, str]:
        return {b.key: b.phase for b in self.behaviors}

    @property
    def labels(self) -> dict[str, str]:
        return {b.key: b.label for b in self.behaviors}

    def frame(self) -> pd.DataFrame:
        """Return the rubric as a tidy frame (key, label, phase, weight, in_composite)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {**b.model_dump(), "in_composite": b.key in self.composite_behaviors}
                for b in self.behaviors
            ]
        )
