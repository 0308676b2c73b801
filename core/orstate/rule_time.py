"""Temporal qualifiers of an utterance and their category (OR-Symphony's contract):
``immediately`` ("now", "stat"), ``after`` ("after", "once", "at the end"), ``before``
("before", "prior to", "until"), ``during`` ("during", "while"), ``when`` ("when", "as
soon as", "if", "once ... is in"), ``in_time`` ("in 5 minutes", "two minutes, then",
"later"). The words are in :mod:`core.orstate.rule_words`; the rules decide what a
qualifier means for the command it belongs to.
"""

from collections.abc import Callable

from core.orstate import rule_words as W

# A token: (word, start, end) with offsets into the utterance.
Tok = tuple[str, int, int]
# A qualifier: (category, start, end) with offsets into the utterance.
TimeSpan = tuple[W.Temporal, int, int]

# Words before a number of minutes that make it a duration, not a delay.
_DURATION = frozenset({"for", "last", "over", "about", "takes", "took", "after", "every"})
_NOT_A_TIME = (["for", "now"], ["by", "now"], ["just", "now"], ["not", "now"])
_OPENERS = frozenset(W.DEFERRAL_OPENERS)
# "once ... is in / on / ready": a condition that holds, so ``when``.
_STATES = frozenset({"in", "on", "ready", "up", "stable", "set", "there", "open", "inflated"})
# The words a qualifier can open with (a quick no for every other word).
_FIRST = frozenset(
    p.split()[0]
    for p in (*W.IMMEDIATE, *W.DEFERRAL_WORDS, *_OPENERS, *W.NUMBER_WORDS, *W.NOT_A_TIME, "in")
) | {"for", "by", "just", "not"}
# Numbers that can stand for minutes on their own at a clause's end ("camera on in five").
_BARE_COUNTS = W.NUMBER_WORDS - {"a", "an", "and", "few", "couple", "half", "too"}


def split_times(
    tokens: list[Tok], is_verb: Callable[[tuple[str, ...]], bool]
) -> tuple[list[Tok], list[TimeSpan]]:
    """``tokens`` without their temporal qualifiers, and the qualifiers. A qualifier that
    opens with "after", "when", ... runs to the next imperative verb (``is_verb`` of one or
    two words, not after a subject) or comma."""
    words = [tok[0] for tok in tokens]
    kept: list[Tok] = []
    out: list[TimeSpan] = []
    i, n = 0, len(words)
    while i < n:
        if words[i] not in _FIRST and not words[i].isdigit():
            kept.append(tokens[i])
            i += 1
            continue
        if words[i : i + 2] in _NOT_A_TIME:
            kept.extend(tokens[i : i + 2])  # "no suction for now": no time of action
            i += 2
            continue
        if polite := _match(words, i, W.NOT_A_TIME, 5):
            i = polite  # "when you're ready": politeness, dropped
            continue
        category: W.Temporal = "immediately"
        j = 0 if words[i : i + 2] == ["now", "that"] else _match(words, i, W.IMMEDIATE, 3) or 0
        if not j and (j := _match(words, i, W.DEFERRAL_WORDS, 5) or 0):
            category = W.DEFERRAL_CATEGORY.get(" ".join(words[i:j]), "in_time")
        if not j and (words[i] == "in" or (i == 0 or words[i - 1] not in _DURATION)):
            # "in 5 minutes", and "two minutes, then ..." (not "for two minutes")
            k = i + (words[i] == "in")
            while k < n and (
                words[k] in W.NUMBER_WORDS or words[k].isdigit() or words[k] in ("more", "of")
            ):
                k += 1
            if i + (words[i] == "in") < k < n and words[k] in W.TIME_UNITS:
                j, category = k + 1, "in_time"
            elif (
                words[i] == "in"
                and k == i + 2
                and (words[k - 1] in _BARE_COUNTS or words[k - 1].isdigit())
                and (k == n or words[k] in (",", "then"))
            ):
                j, category = k, "in_time"  # "camera on in five"
        if not j and (k2 := _match(words, i, _OPENERS, 4)):
            category = W.DEFERRAL_OPENERS[" ".join(words[i:k2])]
            j = k2 + 1
            while j < n and words[j] != ",":
                verb = is_verb((words[j],)) or is_verb(tuple(words[j : j + 2]))
                if verb and words[j - 1] not in W.SUBJECTS:
                    # "if it bleeds we'll start ...": the subject opens the main clause
                    j -= words[j - 1] in W.SUBJECT_CONTRACTIONS and j - 1 > k2
                    break
                j += 1
        if j and words[i] == "once" and words[min(j, n) - 1] in _STATES:
            category = "when"  # "once the scope is in": a condition, not a finished step
        if j:
            j = min(j, n)
            out.append((category, tokens[i][1], tokens[j - 1][2]))
            i = j
            continue
        kept.append(tokens[i])
        i += 1
    return kept, out


def _match(words: list[str], i: int, phrases: frozenset[str], maxlen: int) -> int | None:
    """End index of the longest phrase from ``phrases`` starting at ``i``, or None."""
    for size in range(min(maxlen, len(words) - i), 0, -1):
        if " ".join(words[i : i + size]) in phrases:
            return i + size
    return None
