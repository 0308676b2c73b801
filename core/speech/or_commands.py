"""What the operating room hears, taken as one of the surgery's known commands or not at
all. A recogniser given a short command alone mishears it ("that" for "not", worse for
"ventilator"); matching what it heard against the closed set of this surgery's commands
(every name of every machine with every way to turn it on, off or to standby, and the
surgery file's own command phrases) turns a near miss into the command and leaves
anything else out. A phrase counts only as close as its weaker part: the whole, and
the machine's name against the closest run of heard words ("turn that on" is near
"turn the vent on" as a whole, but "that" is not "vent"). The set keeps only phrases
the rule engine reads as exactly their machine and action, so an accepted command is
fed to the rules as its known phrase. Words in which the rules already read a command
as they were heard are taken as they are (the rules know far more ways to say one).
"""

import difflib
import re
from dataclasses import dataclass

from core.orstate.rules import UtteranceRules
from core.orstate.surgeries import Surgery

ACCEPT = 0.75  # similarity (0-1) at or above which a heard phrase is taken as the command
EXAMPLE_FORMS = ("turn on the {}", "{} off", "{} to standby")
FILLER = frozenset({"the", "to", "put"})  # words of a phrase that need not be heard
OFFER = 0.7  # below ACCEPT but at least this: offered for a person to confirm
FORMS = {
    "ON": ("turn on the {}", "turn the {} on", "{} on", "start the {}", "switch on the {}"),
    "OFF": ("turn off the {}", "turn the {} off", "{} off", "stop the {}", "switch off the {}"),
    "STANDBY": ("{} to standby", "put the {} on standby", "{} on standby"),
}


@dataclass(frozen=True)
class KnownCommand:
    phrase: str
    machine_id: str
    action: str
    name: str  # the machine's name as the phrase says it (the whole phrase for the file's)


@dataclass(frozen=True)
class HeardCommand:
    heard: str
    command: KnownCommand | None  # the known command it was taken for, if any
    score: float  # similarity to the closest known command (1.0 when the rules read it)
    read_by_rules: bool = False  # the rules found a command in the words as heard
    nearest: KnownCommand | None = None  # the closest known command, taken or not

    @property
    def offer(self) -> KnownCommand | None:
        """The command to offer a person for confirmation, when this was not taken but
        came near one (never for a question or a negation)."""
        if self.feed is not None or self.nearest is None or self.score < OFFER:
            return None
        return self.nearest

    @property
    def feed(self) -> str | None:
        """What the case is fed: the words as heard when the rules read a command in
        them, else the known command's phrase, else nothing (shown as heard only)."""
        if self.read_by_rules:
            return self.heard
        return self.command.phrase if self.command is not None else None


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("-", " ")))


class CommandSet:
    def __init__(self, surgery: Surgery) -> None:
        rules = self.rules = UtteranceRules(surgery, debounce_s=0.0)
        candidates = []
        for machine in surgery.machines.values():
            for name in dict.fromkeys((machine.name.lower(), *machine.aliases)):
                for action, forms in FORMS.items():
                    candidates += [
                        KnownCommand(form.format(name), machine.id, action, name) for form in forms
                    ]
            for action, phrases in machine.commands.items():
                candidates += [KnownCommand(p, machine.id, action, p) for p in phrases]
        self.commands = [
            c
            for c in candidates
            if [(t.machine_id, t.action) for t in rules.parse(c.phrase).toggles]
            == [(c.machine_id, c.action)]
        ]
        self._keys = [(_words(c.phrase), _words(c.name)) for c in self.commands]
        # the words of each phrase that say what to do ("turn", "off"): all must be heard
        self._verbs = {
            command: [w for w in phrase.split() if w not in name.split() and w not in FILLER]
            for command, (phrase, name) in zip(self.commands, self._keys, strict=True)
        }
        # What the recogniser is told to expect (Whisper's prompt, as if said before):
        # the room's machines by name, and three commands in the closed set's forms.
        names = list(dict.fromkeys(m.name.lower() for m in surgery.machines.values()))
        examples = [form.format(n) for form, n in zip(EXAMPLE_FORMS, names, strict=False)]
        said = " ".join(f"{e[0].upper()}{e[1:]}." for e in examples)
        self.prompt = f"Operating room: {', '.join(names)}. {said}"
        self._names = sorted({name for _, name in self._keys})

    def match(self, heard: str) -> HeardCommand:
        """What ``heard`` is taken for: the command (or deferral) the rules read in it as
        it stands (their whole vocabulary: "fire up the c-arm", "suction please"); nothing
        when the rules read a question or a negation in it; else the known command it is
        close enough to, if it says at most one word more; else nothing."""
        parsed = self.rules.parse(heard)
        if parsed.toggles or parsed.pending:  # a deferral too: the case shows it waiting
            return HeardCommand(heard, None, 1.0, read_by_rules=True)
        if parsed.question or parsed.negated:  # "is the laser on?" is no command
            return HeardCommand(heard, None, 0.0)
        found = self.closest(heard)
        if found.command is not None and not self._says_what_to_do(found.command, heard):
            # "On the irrigation pump" is near "turn off the irrigation pump" but never
            # said "off": the action must be heard, not only the machine
            return HeardCommand(heard, None, found.score, nearest=found.nearest)
        extra = (
            len(_words(heard).split()) - len(_words(found.command.phrase).split())
            if found.command
            else 0
        )
        if extra > 1:  # "he said lights off": more was said than a misheard command
            return HeardCommand(heard, None, found.score, nearest=found.nearest)
        return found

    def _says_what_to_do(self, command: KnownCommand, heard: str) -> bool:
        """Every action word of ``command``'s phrase is close to a heard word (or two
        heard words run together: "stand by")."""
        words = _words(heard).split()
        runs = [*words, *("".join(words[i : i + 2]) for i in range(len(words) - 1))]
        verbs = self._verbs[command]
        return all(any(_similar(verb, run) >= ACCEPT for run in runs) for verb in verbs)

    def closest(self, heard: str) -> HeardCommand:
        """The known command ``heard`` is taken for, if any is close enough."""
        key = _words(heard)
        if not key or not self.commands:
            return HeardCommand(heard, None, 0.0)
        words = key.split()
        runs = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words))}
        named = {name: max(_similar(run, name) for run in runs) for name in self._names}
        best, score = 0, 0.0
        matcher = difflib.SequenceMatcher(None, "", key)  # the heard words are cached once
        for index, (phrase, name) in enumerate(self._keys):
            if named[name] <= score:
                continue
            matcher.set_seq1(phrase)
            if matcher.real_quick_ratio() <= score or matcher.quick_ratio() <= score:
                continue
            candidate = min(matcher.ratio(), named[name])
            if candidate > score:
                best, score = index, candidate
        score = round(score, 3)
        nearest = self.commands[best] if score > 0 else None
        return HeardCommand(heard, nearest if score >= ACCEPT else None, score, nearest=nearest)
