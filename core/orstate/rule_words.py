"""The fixed vocabulary of the utterance rules: action verbs, particles, negation,
fillers, question openers and temporal words. Phrases are lower case, space-separated,
written as they come out of :func:`core.orstate.rules.tokenize` (hyphens become spaces).
"""

from typing import Final, Literal

Action = Literal["ON", "OFF", "STANDBY"]
Strength = Literal["strong", "weak"]
Temporal = Literal["immediately", "after", "before", "during", "when", "in_time", "none"]

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
            "initiate",
            "commence",
            "bring up",
            "get going",
            "get started",
            "get started with",
            "spin up",
            "switch over to",
            "go on with",
            "proceed with",
            "light up",
            "crank",
            "warm up",
            "get warmed up",
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
            "insert",
            "place",
            "put in",
            "open",
            "may i have",
            "could i have",
            "could i get",
            "i'd like",
            "we'd like",
            "we would like",
            "i would like",
            "we'll need",
            "we will need",
            "we're going to need",
            "going to need",
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
            "halt",
            "cease",
            "discontinue",
            "terminate",
            "close off",
            "switch out",
            "wrap up",
            "stop using",
            "pull the plug on",
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
            "close",
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
            "stand down",
            "put to standby",
            "set to standby",
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
        "go",
    }
)
# Participles that are not the verb plus "ed" ("the c-arm brought in", "the pump kept on").
IRREGULAR_PARTICIPLES: Final[dict[str, str]] = {
    "shut": "shut",
    "put": "put",
    "cut": "cut",
    "set": "set",
    "run": "run",
    "begin": "begun",
    "bring": "brought",
    "keep": "kept",
    "leave": "left",
    "get": "got",
    "go": "gone",
    "light": "lit",
    "spin": "spun",
    "hook": "hooked",
    "kick": "kicked",
}
# "if the pressure drops we'll start the pump": a plan for a case that may come, no command
# (an imperative under "if" is one: "if it bleeds, suction on" is ``when``).
PLAN_SUBJECTS: Final[frozenset[str]] = frozenset(
    {"we'll", "i'll", "you'll", "we will", "i will", "we're going to", "i'm going to"}
)
# A subject and its modal in one word: it opens a clause, it is no part of a time span.
SUBJECT_CONTRACTIONS: Final[frozenset[str]] = frozenset(
    {"we'll", "we'd", "i'll", "i'd", "you'll", "you'd", "let's", "lets", "they'll", "they'd"}
)
# Words after a machine's name that still name it ("the argon beam thing on").
NAME_HEADS: Final[frozenset[str]] = frozenset(
    {"thing", "thingy", "one", "unit", "machine", "device"}
)
# Verbs that keep a machine as it is ("leave the lights on"): after a correction of the same
# machine they take the command back.
KEEP_VERBS: Final[frozenset[str]] = frozenset({"keep", "leave"})
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
    "on pause": ("STANDBY", False),
    "to idle": ("STANDBY", False),
    "back off": ("OFF", False),
    "running": ("ON", False),
    "going": ("ON", False),
    "up": ("ON", False),
    "back to standby": ("STANDBY", False),
    "into standby": ("STANDBY", False),
    "to stand by": ("STANDBY", False),
    "on stand by": ("STANDBY", False),
}

NEGATIONS: Final[frozenset[str]] = frozenset(
    {
        "don't",
        "dont",
        "do not",
        "not",
        "never",
        "let's not",
        "lets not",
        "no need to",
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
# Refusals: with a verb they negate it; with a machine alone they mean OFF ("cancel the
# ventilator", "no suction").
REFUSALS: Final[frozenset[str]] = frozenset(
    {
        "cancel",
        "skip",
        "forget",
        "forget about",
        "scratch",
        "cancel that request for",
        "cancel the request for",
        "cancel my request for",
        "cancel the order for",
        "no",
        "scrap",
        "leave out",
        "never mind",
        "nevermind",
        "we won't need",
        "we will not need",
        "don't bother with",
        "dont bother with",
        "don't bother",
        "that's enough",
        "enough",
        "no more",
    }
)
# Deferrals: no change now; the machine is shown as pending ("not yet the laser").
DEFERRALS: Final[frozenset[str]] = frozenset(
    {
        "not yet",
        "not just yet",
        "hold off",
        "hold off on",
        "hold off with",
        "wait on",
        "wait with",
        "wait for",
        "wait before",
        "hold on with",
        "hang on with",
        "not now",
        "holding off on",
        "not quite yet",
    }
)
# After an earlier command in the same utterance: what follows replaces it ("turn on the
# suction, no, the irrigation").
CORRECTIONS: Final[frozenset[str]] = frozenset(
    {
        "i mean",
        "i meant",
        "sorry",
        "rather",
        "or rather",
        "scratch that",
        "no wait",
        "no sorry",
        "correction",
        "make that",
        "actually no",
        "my bad",
        "my mistake",
    }
)
# Reported speech is no command ("he said to turn off the suction").
REPORTING: Final[frozenset[str]] = frozenset(
    {"said", "says", "asked", "told", "mentioned", "suggested", "saying", "telling", "asking"}
)
# A clause about someone else's doing or another room is no command ("they're starting
# the laser in room six").
OTHERS: Final[frozenset[str]] = frozenset(
    {
        "they're",
        "they are",
        "he's",
        "he is",
        "she's",
        "she is",
        "in room",
        "next door",
        "other room",
        "other theatre",
        "other theater",
        "other or",
        "their",
        "theirs",
        # "we'd fire up the argon": a habit or a wish, not a command
        "we'd",
        "we would",
        "you'd",
        "they'd",
        # habits, teaching and the past are no command
        "always",
        "usually",
        "normally",
        "typically",
        "generally",
        "sometimes",
        "often",
        "yesterday",
        "last time",
        "last week",
        "earlier",
        "tomorrow",
        "how to",
        "teach",
        "explain",
        "show you",
        "demonstrate",
    }
)
ARTICLES: Final[frozenset[str]] = frozenset({"the", "a", "an"})

FILLERS: Final[frozenset[str]] = frozenset(
    {
        # "first the pump, then the laser, on": the order of a sequence, no command
        "first",
        "firstly",
        "first of all",
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
        "hey",
        "now then",
        "no problem",
        "no worries",
        "no issue",
        "no issues",
        "no rush",
        "too",
        "as well",
        "today",
        "this time",
        "for this case",
        "for the case",
        "for this one",
        "for now",
        "by now",
        "just now",
        "out of the way",
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
        "we'd better",
        "we had better",
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
# Hesitations, dropped before names are matched ("the argon, er, beam").
HESITATIONS: Final[frozenset[str]] = frozenset(
    {"uh", "um", "uhh", "umm", "er", "erm", "ah", "ahh", "hmm", "mm"}
)
# Fillers that make a verbless mention a request ("argon beam for me").
REQUEST_MARKERS: Final[frozenset[str]] = frozenset({"please", "for me", "for us"})
# Fillers that lower confidence (articles and politeness do not).
DISFLUENCIES: Final[frozenset[str]] = frozenset(
    {"uh", "um", "uhh", "umm", "er", "erm", "ah", "ahh", "hmm", "mm", "like", "you know"}
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
        "went",
        "came",
        "gone",
        "had",
        "has been",
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

# "turn everything off", "all machines to standby": the machines of the room, but never
# those that keep the patient alive or watched (the README's decision): a machine whose
# category is in KEPT_CATEGORIES or whose name has a word of KEPT_NAME_WORDS (an infusion
# pump runs pressors) is named on its own or not at all.
EVERYTHING: Final[frozenset[str]] = frozenset(
    {
        "everything",
        "all machines",
        "all the machines",
        "all equipment",
        "all the equipment",
        "all devices",
        "all the devices",
        "every machine",
    }
)
KEPT_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"monitoring", "anesthesia", "respiratory", "drainage"}
)
KEPT_NAME_WORDS: Final[frozenset[str]] = frozenset({"infusion"})
# "everything off except the lights": the machines after it are left out.
EXCEPTIONS: Final[frozenset[str]] = frozenset(
    {"except", "except for", "apart from", "other than", "but not", "save for"}
)

# "camera in", "scope in" (said alone, at the clause's end): the camera or scope goes in to
# be used, so its machine is ON; for other machines "in" needs a verb ("bring the c-arm in"):
# "chest tube in" inserts a tube, it does not run the drain.
IN_MEANS_ON: Final[frozenset[str]] = frozenset({"imaging"})

# A clause opened by one of these goes on with the last action said: "pump on, then the
# laser" is both ON (a sequence said now, done in order: no ``after`` on the second).
SEQUENCE_BREAKS: Final[frozenset[str]] = frozenset({"then", "and then", "after that"})

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
        "this instant",
        "without delay",
        "urgently",
        "emergently",
        "quick",
        "straightaway",
        "this second",
        "on the double",
    }
)
# Words that open a time span, which runs to the next imperative or clause end, with the
# category they give.
DEFERRAL_OPENERS: Final[dict[str, Temporal]] = {
    "after": "after",
    "once": "after",
    "following": "after",
    "as soon as": "when",
    "when": "when",
    "whenever": "when",
    "if": "when",
    "before": "before",
    "prior to": "before",
    "until": "before",
    "till": "before",
    "by the time": "before",
    "now that": "when",
    "the moment": "when",
    "the minute": "when",
    "the instant": "when",
    "during": "during",
    "while": "during",
    "throughout": "during",
    "for the duration of": "during",
    "for the rest of": "during",
}
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
        "in a little while",
        "in a while",
        "momentarily",
        "in a couple of minutes",
        "in a couple minutes",
        "in a jiffy",
        "eventually",
        "afterwards",
        "afterward",
        # a signal or an event of the operation: when it comes
        *(
            f"on {who} {sign}"
            for who in ("my", "your")
            for sign in ("count", "mark", "call", "signal", "go")
        ),
        *(
            f"at {event}"
            for event in (
                "closure",
                "closing",
                "skin closure",
                "incision",
                "skin incision",
                "extubation",
                "induction",
                "time out",
                "the time out",
                "timeout",
            )
        ),
    }
)
# Politeness that is no time of action ("lithotripter when you're ready"): dropped.
NOT_A_TIME: Final[frozenset[str]] = frozenset(
    {
        "when you're ready",
        "whenever you're ready",
        "when you are ready",
        "whenever you are ready",
        "in your own time",
        "when you can",
        "when you get a chance",
        "when you have a second",
        "when you have a moment",
    }
)
# Time words whose category is not "in_time".
DEFERRAL_CATEGORY: Final[dict[str, Temporal]] = {
    "at the end": "after",
    "afterwards": "after",
    "afterward": "after",
    **{w: "when" for w in DEFERRAL_WORDS if w.startswith(("on ", "at ")) and w != "at the end"},
}
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
        "six",
        "seven",
        "eight",
        "nine",
        "eleven",
        "twelve",
        "forty",
        "forty five",
        "sixty",
        "ninety",
        "and",
        "few",
        "couple",
        "half",
        "too",  # "in too minutes": "two" misheard (only before a unit of time)
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
