"""Constants of the demo's generative model (noise levels, ramp and cycle shapes, quota) and the word lists
(names, accounts, observables, teams) the generated tables draw from."""

from __future__ import annotations

import numpy as np

CANONICAL_COLUMNS: dict[str, list[str]] = {
    "reps": [
        "rep_id", "rep_name", "role", "team", "manager_id", "hire_date", "end_date",
        "onboarding_program", "monthly_quota",
    ],
    "calls": ["call_id", "rep_id", "call_date", "call_type", "opportunity_id", "duration_s"],
    "call_scores": ["call_id", "behavior", "score", "scorer", "scorer_id"],
    "coaching_sessions": [
        "session_id", "rep_id", "coach_id", "session_date", "behavior", "observable", "format",
        "duration_min", "program",
    ],
    "opportunities": [
        "opportunity_id", "rep_id", "created_date", "close_date", "status", "amount", "account",
        "segment",
    ],
    "sdr_activity": [
        "rep_id", "date", "dials", "connects", "conversations", "meetings_booked", "meetings_held",
        "sqls", "emails_sent", "email_replies",
    ],
}


BURN_IN_DAYS = 120            # opportunities are created from this many days before the history


SKILL_SD = 1.1                # between-rep SD of latent skill per behavior


CALL_NOISE_SD = 1.0           # call-to-call performance noise


MANAGER_NOISE_SD = 0.6        # manager scoring noise around the call's performance


MISSING_SCORE_SHARE = 0.03


NEWHIRE_SKILL_GAP = 1.0       # points below tenured level at hire (decays, tau 6 weeks)


NEWHIRE_LEARN_TAU_W = 6.0


RAMP_DELAY_W = 7.0            # weeks before a standard hire creates opportunities


RAMP_LEN_W = 14.0             # weeks from first opportunity to full productivity


RAMP_WIN_PENALTY = 1.5        # logit penalty at zero productivity


CYCLE_MEDIAN_DAYS = 45.0


CYCLE_SIGMA = 0.5


AMOUNT_MEDIAN = 25_000.0


AMOUNT_SIGMA = 0.6


AE_MONTHLY_QUOTA = 50_000


DAYS_PER_QUARTER = 91.3125


POST_WEEKS = 8                # event window used by the analysis (weeks 0..8 after first session)


PRE_WEEKS = 4


FIRST_NAMES = [
    "Aisha", "Ben", "Carmen", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Keira",
    "Luis", "Maya", "Nikhil", "Olivia", "Priya", "Quinn", "Rosa", "Sam", "Tomás", "Uma", "Victor",
    "Wen", "Xavier", "Yara", "Zoë", "Aaron", "Bianca", "Connor", "Dana", "Emeka", "Fiona", "Gabe",
    "Hannah", "Ivan", "Julia", "Kwame", "Lena", "Marco", "Nora", "Omar", "Paula", "Raj", "Sofia",
]


LAST_NAMES = [
    "O'Brien", "Okafor", "Nguyen", "García", "Schmidt", "Patel", "Kowalski", "Andersson", "Rossi",
    "Tanaka", "Haddad", "Murphy", "Silva", "Cohen", "Dubois", "Kim", "Larsen", "Mendes", "Novak",
    "Osei", "Petrov", "Quintero", "Reyes", "Sato", "Turner", "Usman", "Vargas", "Walsh", "Yilmaz",
    "Zhang", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Gupta", "Hughes", "Ito", "Jensen",
]


ACCOUNT_A = [
    "Northwind", "Bluepeak", "Cedar", "Ironclad", "Lumen", "Harbor", "Summit", "Vertex", "Pioneer",
    "Keystone", "Brightline", "Redwood", "Silverline", "Granite", "Orbit", "Meridian", "Atlas",
    "Juniper", "Falcon", "Cobalt",
]


ACCOUNT_B = [
    "Logistics", "Health", "Analytics", "Foods", "Robotics", "Bank", "Insurance", "Energy",
    "Retail", "Labs", "Media", "Systems", "Freight", "Legal", "Software", "Clinics",
]


OBSERVABLES = {
    "permission_to_continue": "Ask 'Is now still a good time for two minutes?' before any pitch",
    "clear_reason_for_call": "State why I'm calling in one sentence within the first 30 seconds",
    "open_questions": "Open every discovery call with three 'how' or 'what' questions, no yes/no ones",
    "active_listening": "Pause two seconds before replying and play the buyer's point back in their words",
    "digs_deeper": "Ask 'what else?' after the first answer on every discovery call",
    "quantified_impact": "Get a number (hours, dollars or headcount) for the problem on every discovery call",
    "decision_process_mapping": "Ask 'Who else signs off, and what happens after you say yes?' on every discovery call",
    "value_tied_to_problem": "Restate the buyer's problem in their words before showing the matching feature",
    "relevant_proof": "Share one customer story from the buyer's industry on every demo",
    "acknowledges_concern": "Say 'That's a fair concern' before answering any objection",
    "probes_objection": "Ask 'What's behind that?' before responding to an objection",
    "next_steps_specificity": "End every call with a calendar invite for a specific date and time, sent live",
    "clear_ask": "Ask directly for the next commitment before the last five minutes of the call",
}


FORMATS = ["call_review", "role_play", "one_on_one", "call_review", "call_review", "other"]


TEAMS = ["Enterprise", "Mid-Market East", "Mid-Market West", "Commercial", "Strategic"]


SDR_STAGES = ["connect_rate", "conversation_rate", "meeting_rate", "show_rate", "sql_rate", "email_reply_rate"]


DAY = np.timedelta64(1, "D")
