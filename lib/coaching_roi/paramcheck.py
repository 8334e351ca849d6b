"""How params problems are told: one line per problem (key path, value, what is allowed), all at once."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from coaching_roi.errors import WorkbookError


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if args else tp
    return tp


def allowed_keys(model: Any, loc: tuple) -> list[str] | None:
    """The keys allowed at ``loc`` (where an unknown key sits) in a pydantic model tree."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) in (dict, tuple, list):
            tp = typing.get_args(tp)[-1] if typing.get_args(tp) else Any
        else:
            return None
    tp = _unwrap(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def problems(exc: ValidationError, model: Any, prefix: Any = lambda loc: "") -> list[str]:
    """One line per pydantic error: ``key.path: value — what is allowed``."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = prefix(loc) + (".".join(str(x) for x in loc) or "(top level)")
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            msg = "unknown key (check its spelling against params/defaults.yaml" + (
                f"; allowed here: {', '.join(allowed)})" if allowed else ")"
            )
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] not in ("value_error", "assertion_error"):
            msg = f"{shown(err.get('input'))} — {msg[:1].lower() + msg[1:]}"
        out.append(f"{key}: {msg}")
    return out


def raise_all(problems: list[str], where: str) -> None:
    """Raise one error listing every problem (one line when there is only one)."""
    if not problems:
        return
    if len(problems) == 1:
        raise WorkbookError(f"Invalid params in {where}: {problems[0]}")
    raise WorkbookError(
        f"Invalid params in {where} ({len(problems)} problems):\n" + "\n".join(f"  - {p}" for p in problems)
    )
