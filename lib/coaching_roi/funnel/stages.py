"""The funnel's stages: dials → connects → conversations → meetings booked → meetings held → SQLs,
plus the email reply rate; each stage is ``numerator / denominator`` of activity counts."""

from __future__ import annotations

from dataclasses import dataclass

COUNT_COLUMNS: tuple[str, ...] = (
    "dials",
    "connects",
    "conversations",
    "meetings_booked",
    "meetings_held",
    "sqls",
    "emails_sent",
    "email_replies",
)


@dataclass(frozen=True)
class Stage:
    """One conversion step: ``numerator / denominator`` (benchmark key = ``key``)."""

    key: str
    numerator: str
    denominator: str
    label: str


STAGES: tuple[Stage, ...] = (
    Stage("connect_rate", "connects", "dials", "Connects / dials"),
    Stage("conversation_rate", "conversations", "connects", "Conversations / connects"),
    Stage("meeting_rate", "meetings_booked", "conversations", "Meetings booked / conversations"),
    Stage("show_rate", "meetings_held", "meetings_booked", "Meetings held / booked"),
    Stage("sql_rate", "sqls", "meetings_held", "SQLs / meetings held"),
    Stage("email_reply_rate", "email_replies", "emails_sent", "Email replies / emails sent"),
)
STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
STAGE_LABELS: dict[str, str] = {s.key: s.label for s in STAGES}
STAGE_SHORT: dict[str, str] = {
    "connect_rate": "connect",
    "conversation_rate": "conversation",
    "meeting_rate": "meeting",
    "show_rate": "show",
    "sql_rate": "SQL",
    "email_reply_rate": "email reply",
}
# The call funnel's monotone chain (each count at most the one before it).
CHAIN: tuple[str, ...] = ("dials", "connects", "conversations", "meetings_booked", "meetings_held", "sqls")
