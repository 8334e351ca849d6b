"""Headline and caveat sentences made from the findings, by explicit rules over stored verdicts.

Every estimate already carries its verdict and reading (:mod:`coaching_roi.verdict` decides both);
this package only combines them:

* the headline rests on the evidence chain's layers (:mod:`.layers`): behavior change (layer 2)
  first, then the outcome link (layer 3) within its lag window; with no layer-2 evidence, the
  quartile gap (:mod:`.headline`);
* an estimate that is ``no_clear_change`` or ``too_few`` is never stated as a finding: the headline
  names what did not move (or cannot be told yet) without its number;
* a missing estimate is named as missing, with the reason the notebook recorded (:mod:`.estimates`);
* :mod:`.caveats` holds what a reader must hear, :mod:`.examples` the sentences about example reps.

Functions take plain findings dicts (``coaching_roi.findings.load``) so they can be tested on
hand-built inputs.
"""

from coaching_roi.estimate_ids import MILESTONES, POOLED
from coaching_roi.plainwords import plain
from coaching_roi.pseudonyms import alias, alias_map, scrub
from coaching_roi.story.caveats import caveats, headcount_sentence
from coaching_roi.story.estimates import (
    NOTEBOOKS,
    SOURCE_NOTEBOOK,
    Classified,
    behavior_of,
    classify,
    estimates_with_prefix,
    missing_reason,
    reason_for,
    sentence,
    short_reason,
    value_text,
)
from coaching_roi.story.examples import intervention_sentence, movement_sentence, score_text, win_rate_text
from coaching_roi.story.headline import (
    Headline,
    chain_link_name,
    chain_title,
    examples_framing,
    gap_sentence,
    headline,
    headline_with_ids,
)
from coaching_roi.story.layers import LayerSummary, is_established, layer2, layer3, policy_of

__all__ = [
    "MILESTONES", "NOTEBOOKS", "POOLED", "SOURCE_NOTEBOOK", "Classified", "Headline", "LayerSummary",
    "alias", "alias_map", "behavior_of", "caveats", "chain_link_name", "chain_title", "classify",
    "estimates_with_prefix", "examples_framing", "gap_sentence", "headcount_sentence", "headline",
    "headline_with_ids", "intervention_sentence", "is_established", "layer2", "layer3", "missing_reason",
    "movement_sentence", "plain", "policy_of", "reason_for", "score_text", "scrub", "sentence",
    "short_reason", "value_text", "win_rate_text",
]
