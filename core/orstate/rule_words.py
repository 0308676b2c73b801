"""The fixed vocabulary of the utterance rules: action verbs, particles, negation,
fillers, question openers and temporal words. Phrases are lower case, space-separated,
written as they come out of :func:`core.orstate.rules.tokenize` (hyphens become spaces).
"""

from typing import Final, Literal

Action = Literal["ON", "OFF", "STANDBY"]
Strength = Literal["strong", "weak"]

# Verbs that carry their own action, placed before the machine ("turn on the suction").
# Weak verbs are requests whose meaning depends on context ("get", "bring in").
ACTION_VERBS: Final[dict[str, tuple[Action, Strength]]] = {
    **{
        v: ("ON", "strong")
        for v in (
            "turn on",
            "switch on",
            "power on",
            "power up",
            "start",
            "start up",
            "restart",
            "fire up",
            "fire",
            "activate",
            "engage",
            "enable",
            "resume",
            "run",
            "boot up",
            "hook up",
            "connect",
            "put on",
            "kick on",
            "crank up",
            "begin",
        )
    },
    **{
        v: ("ON", "weak")
        for v in (
            "bring in",
            "roll in",
            "go ahead with",
            "get",
            "need",
            "give me",
            "have",
            "let's have",
            "lets have",
            "want",
            "set up",
            "ready",
            "use",
            "open up",
            "can i have",
            "can i get",
            "take",
        )
    },
    **{
        v: ("OFF", "strong")
        for v in (
            "turn off",
            "switch off",
            "power off",
            "power down",
            "shut down",
            "shut off",
            "shut",
            "stop",
            "kill",
            "disconnect",
            "unhook",
            "deactivate",
            "disable",
            "cut",
            "cut off",
            "end",
            "turn out",
            "kick off",
        )
    },
    **{
        v: ("OFF", "weak")
        for v in (
            "done with",
            "finished with",
            "finish with",
            "take out",
            "roll out",
            "remove",
            "move out",
            "get rid of",
            "wheel out",
            "bring out",
            "no need for",
            "no more need for",
            "no longer need",
        )
    },
    **{
        v: ("STANDBY", "strong")
        for v in (
            "standby",
            "stand by",
            "put on standby",
            "pause",
            "idle",
            "hold",
            "put on hold",
            "suspend",
            "switch to standby",
            "go to standby",
        )
    },
}

# Verbs whose action comes from a particle ("turn the suction on", "bring the c-arm in").
NEUTRAL_VERBS: Final[frozenset[str]] = frozenset(
    {
        "turn",
        "switch",
        "put",
        "flip",
        "bring",
        "keep",
        "leave",
        "set",
        "power",
        "roll",
        "wheel",
        "move",
    }
)
# After a machine ("suction on", "lights off please"): action and whether it needs a
# neutral verb before it (``in``/``out`` alone are too common to mean anything).
PARTICLES: Final[dict[str, tuple[Action, bool]]] = {
    "on": ("ON", False),
    "off": ("OFF", False),
    "on standby": ("STANDBY", False),
    "to standby": ("STANDBY", False),
    "in standby": ("STANDBY", False),
    "standby": ("STANDBY", False),
    "on hold": ("STANDBY", False),
    "in": ("ON", True),
    "out": ("OFF", True),
    "back on": ("ON", False),
    "running": ("ON", True),
    "going": ("ON", True),
}

NEGATIONS: Final[frozenset[str]] = frozenset(
    {
        "don't",
        "dont",
        "do not",
        "not",
        "no",
        "never",
        "not yet",
        "let's not",
        "lets not",
        "no need to",
        "hold off",
        "hold off on",
        "cancel",
        "skip",
        "without",
        "doesn't",
        "does not",
        "won't",
        "will not",
        "shouldn't",
        "should not",
        "can't",
        "cannot",
        "mustn't",
        "must not",
    }
)

FILLERS: Final[frozenset[str]] = frozenset(
    {
        "uh",
        "um",
        "uhh",
        "umm",
        "er",
        "erm",
        "ah",
        "ahh",
        "hmm",
        "mm",
        "like",
        "you know",
        "i mean",
        "okay",
        "ok",
        "alright",
        "please",
        "just",
        "actually",
        "basically",
        "so",
        "well",
        "yeah",
        "right",
        "kindly",
        "go ahead and",
        "the",
        "a",
        "an",
        "our",
        "your",
        "that",
        "this",
        "those",
        "these",
        "some",
        "hold on",
        "hang on",
        "wait",
        "guys",
        "team",
        "for me",
        "for us",
        "again",
        "anymore",
        "any more",
        "yet",
        "there",
        "here",
    }
)
# Fillers that lower confidence (articles and politeness do not).
DISFLUENCIES: Final[frozenset[str]] = frozenset(
    {"uh", "um", "uhh", "umm", "er", "erm", "ah", "ahh", "hmm", "mm", "like", "you know", "i mean"}
)

COPULAS: Final[frozenset[str]] = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it's",
        "its",
        "they're",
        "stays",
        "still",
        "already",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "seems",
        "looks",
    }
)
# A clause opening with one of these is a question, unless it is a modal request.
QUESTION_OPENERS: Final[frozenset[str]] = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "does",
        "did",
        "has",
        "why",
        "what",
        "where",
        "who",
        "how",
        "which",
        "whose",
        "isn't",
        "aren't",
        "doesn't",
        "didn't",
        "hasn't",
        "should",
        "shouldn't",
        "am",
        "do",
        "what's",
        "how's",
        "where's",
        "who's",
        "any",
        "why's",
        "is there",
    }
)
MODAL_REQUEST: Final[frozenset[str]] = frozenset(
    {"can", "could", "would", "will", "may", "can't", "couldn't", "won't", "shall"}
)
PRONOUNS: Final[frozenset[str]] = frozenset({"it", "them", "that one", "both"})
SUBJECTS: Final[frozenset[str]] = frozenset(
    {
        "we",
        "you",
        "i",
        "they",
        "he",
        "she",
        "it",
        "is",
        "are",
        "was",
        "were",
        "we're",
        "you're",
        "they're",
        "i'm",
        "has",
        "have",
        "been",
        "be",
        "surgeon",
        "anesthesia",
    }
)
CLAUSE_BREAKS: Final[frozenset[str]] = frozenset(
    {"then", "but", "and then", "after that", "also", "meanwhile", "otherwise"}
)

IMMEDIATE: Final[frozenset[str]] = frozenset(
    {
        "now",
        "right now",
        "immediately",
        "stat",
        "right away",
        "asap",
        "straight away",
        "at once",
        "quickly",
        "now please",
    }
)
# Words that open a deferred-time span, which runs to the next imperative or clause end.
DEFERRAL_OPENERS: Final[frozenset[str]] = frozenset(
    {"after", "when", "once", "before", "during", "until", "till", "as soon as", "while"}
)
DEFERRAL_WORDS: Final[frozenset[str]] = frozenset(
    {
        "later",
        "in a minute",
        "in a moment",
        "in a second",
        "in a sec",
        "in a bit",
        "shortly",
        "soon",
        "at the end",
        "in a few minutes",
    }
)
NUMBER_WORDS: Final[frozenset[str]] = frozenset(
    {
        "a",
        "an",
        "one",
        "two",
        "three",
        "four",
        "five",
        "ten",
        "fifteen",
        "twenty",
        "thirty",
        "few",
        "couple",
        "half",
    }
)
TIME_UNITS: Final[frozenset[str]] = frozenset(
    {"second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "hour", "hours"}
)
# Verb phrases that say a machine is no longer needed: an OFF that is also a negation.
NEGATIVE_VERBS: Final[frozenset[str]] = frozenset(
    {"no need for", "no more need for", "no longer need"}
)
# "don't need the c-arm" means the c-arm can go off; other negated ON verbs suppress.
NEED_VERBS: Final[frozenset[str]] = frozenset({"need", "want"})
