"""The speech recogniser on this machine: word error rate (jiwer, as the field computes
it) on clinical dialogue spoken by espeak-ng, clean and with white noise at 10 dB; the
real-time factor; how well the two voices are told apart; and the peak memory of
transcribing a long file against a short one (each in its own process), which shows
whether memory stays bounded.

The words are the first lines of ACI-Bench training visits (CC BY 4.0; the training
split, never its test splits), the doctor in espeak-ng's US voice, the patient in its
female variant. Speaker accuracy: each turn's audio embedded by the voice encoder, the
turns clustered into two voices, and the share of turns given their true speaker (the
better of the two ways of naming the clusters), per visit and over all.

    .venv/bin/python bench/speech.py [--visits 2] [--lines 12] [--long-minutes 10]
        [--speaker-visits 8] [--or-rows 99]
"""

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

import jiwer  # noqa: E402
import numpy as np  # noqa: E402
from speech_audio import RATE, at_16k, silence, speak, with_noise, write_wav  # noqa: E402

from app.usecases.or_listen import LiveRoom  # noqa: E402
from core.orstate.surgeries import load_surgeries  # noqa: E402
from core.speech.model_dir import find_speech_model  # noqa: E402
from core.speech.or_commands import CommandSet  # noqa: E402
from core.speech.or_listen import HeardInRoom  # noqa: E402
from core.speech.recogniser import Recogniser  # noqa: E402
from core.speech.transcribe import transcribe_file  # noqa: E402
from core.speech.voices import VOICE_ENCODER_FILE, VoiceEncoder, two_speakers  # noqa: E402

ACI = ROOT.parent / "shared" / "data" / "aci-bench" / "train.csv"
OR_SETS = ROOT / "bench" / "data" / "or_commands"  # dev.csv, test.csv
VOICES = {"doctor": "en-us", "patient": "en-us+f3"}
CLEAN = jiwer.Compose(
    [jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
     jiwer.Strip(), jiwer.ReduceToListOfListOfWords()]
)  # fmt: skip


def dialogue_turns(visits: int, lines: int, skip: int = 0) -> list[list[tuple[str, str]]]:
    """(speaker, words) of the first ``lines`` turns of each of ``visits`` visits."""
    picked: list[list[tuple[str, str]]] = []
    with ACI.open(encoding="utf-8") as f:
        for row in list(csv.DictReader(f))[skip : skip + visits]:
            turns = []
            for line in row["dialogue"].splitlines()[:lines]:
                match = re.match(r"\[(doctor|patient)\]\s*(.+)", line)
                if match:
                    words = re.sub(r"\s+([,.?!])", r"\1", match.group(2)).strip()
                    turns.append((match.group(1), words))
            picked.append(turns)
    return picked


def spoken(lines: list[tuple[str, str]]) -> np.ndarray:
    parts = []
    for speaker, words in lines:
        parts += [speak(words, voice=VOICES[speaker]), silence(0.7)]
    return np.concatenate(parts)


def speaker_accuracy(
    encoder: VoiceEncoder, visits: list[list[tuple[str, str]]], snr: float | None
) -> tuple[int, int, int]:
    """Turns given their true speaker, turns in all, and visits split into two voices."""
    right = total = split = 0
    for turns in visits:
        embeddings = []
        for speaker, words in turns:
            voice = speak(words, voice=VOICES[speaker])
            if snr is not None:
                voice = with_noise(voice, snr)
            embeddings.append(encoder.embed(at_16k(voice)))
        found = two_speakers(embeddings)
        truth = [speaker == "doctor" for speaker, _ in turns]
        same = sum(int(label == 0) == t for label, t in zip(found.labels, truth, strict=True))
        right += max(same, len(turns) - same)
        total += len(turns)
        split += found.two
    return right, total, split


def room_commands(rows: int, part: str = "dev") -> list[tuple[str, str, str | None]]:
    """(surgery, sentence, "M05:ON" or None) from a part of the OR blind set:
    commands of one machine with no time qualifier, and sentences that change nothing."""
    picked = []
    with (OR_SETS / f"{part}.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            changes = row["changes"].strip()
            if changes and (";" in changes or row["temporal"] != "none"):
                continue  # several machines or a time: outside the closed set's forms
            picked.append((row["surgery"], row["sentence"], changes or None))
    return picked[:rows]


def live(
    recogniser: Recogniser, commands: CommandSet, sound: np.ndarray, block: int = 1600
) -> list[tuple[HeardInRoom, float]]:
    """``sound`` fed to the app's listener in real time; each utterance heard, with the
    seconds from the stream's start at which it was."""
    heard: list[tuple[HeardInRoom, float]] = []
    room = LiveRoom(recogniser, commands, lambda h: heard.append((h, time.monotonic())))
    started = time.monotonic()
    for start in range(0, sound.size, block):
        due = started + (start + block) / 16000  # a block comes once its last sample is in
        time.sleep(max(due - time.monotonic(), 0.0))
        room.feed(sound[start : start + block])
    room.close()
    return [(h, at - started) for h, at in heard]


def room_listening(
    recogniser: Recogniser, rows: list[tuple[str, str, str | None]], snr: float | None
) -> dict[str, Any]:
    """Each sentence spoken into a quiet room (0.5 s before, 1 s after), fed in 0.1 s
    blocks in real time from a thread, as a microphone delivers them, to the listener the
    app runs (its own thread): right commands, misses, false or wrong accepts, and the
    latency from the end of speech to the command being heard (waiting for the pause,
    recognising, early guesses that were dropped, matching, the hand-over between
    threads), by the clock."""
    catalog = load_surgeries()
    sets: dict[str, CommandSet] = {}
    right = missed = wrong = false = offered_right = offered_talk = 0
    latencies = []
    for surgery, sentence, change in rows:
        commands = sets.setdefault(surgery, CommandSet(catalog.get(surgery)))
        speech = at_16k(speak(sentence))
        if snr is not None:
            speech = with_noise(speech, snr)
        lead = np.zeros(8000, dtype=np.float32)
        sound = np.concatenate([lead, speech, np.zeros(16000, dtype=np.float32)])
        speech_end = (lead.size + np.flatnonzero(np.abs(speech) > 0.01).max()) / 16000
        timed = live(recogniser, commands, sound)
        latencies += [at - speech_end for _, at in timed]
        said, offers = [], []
        for h, _ in timed:
            if h.heard.feed is not None:
                parsed = commands.rules.parse(h.heard.feed)
                said += [f"{t.machine_id}:{t.action}" for t in parsed.toggles]
                said += [f"{t.machine_id}:PENDING" for t in parsed.pending]  # shown waiting
            elif h.heard.offer is not None:
                offers.append(f"{h.heard.offer.machine_id}:{h.heard.offer.action}")
        if change is None:
            false += bool(said)
            offered_talk += bool(offers)
        elif said == [change]:
            right += 1
        elif said:
            wrong += 1
        else:
            missed += 1
            offered_right += change in offers
    commands_total = sum(change is not None for _, _, change in rows)
    return {
        "right": right, "missed": missed, "wrong": wrong, "commands": commands_total,
        "false": false, "talk": len(rows) - commands_total,
        "offered_right": offered_right, "offered_talk": offered_talk,
        "latency_median": float(np.median(latencies)), "latency_max": float(np.max(latencies)),
    }  # fmt: skip


def measure(recogniser: Recogniser, path: Path, reference: str) -> tuple[float, float, float]:
    started = time.perf_counter()
    result = transcribe_file(recogniser, path)
    seconds = time.perf_counter() - started
    hypothesis = " ".join(h.text for h in result.heard)
    wer = jiwer.wer(reference, hypothesis, reference_transform=CLEAN, hypothesis_transform=CLEAN)
    return float(wer), seconds / result.duration_s, result.duration_s


def peak_memory(path: Path) -> dict[str, float]:
    """Transcribe ``path`` in a fresh process; its peak RSS and the audio's length."""
    code = (  # noqa: UP031 (a program's text, filled in once)
        "import sys, json, resource; sys.path.insert(0, %r)\n"
        "from pathlib import Path\n"
        "from core.speech.model_dir import find_speech_model\n"
        "from core.speech.recogniser import Recogniser\n"
        "from core.speech.transcribe import transcribe_file\n"
        "r = Recogniser(find_speech_model([Path(%r)]), threads=2)\n"
        "d = transcribe_file(r, Path(%r)).duration_s\n"
        "print(json.dumps({'minutes': d / 60,"
        " 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    ) % (str(ROOT), str(ROOT / "models"), str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=2)
    parser.add_argument("--lines", type=int, default=12)
    parser.add_argument("--long-minutes", type=float, default=10.0)
    parser.add_argument("--speaker-visits", type=int, default=8, help="visits for speakers")
    parser.add_argument("--or-rows", type=int, default=99, help="rows of the OR set's dev part")
    parser.add_argument("--room-only", action="store_true", help="only the room's commands")
    parser.add_argument(
        "--or-part",
        choices=["dev", "test"],
        default="dev",
        help="the OR set's part: test only to measure a finished change, never to tune",
    )
    args = parser.parse_args()
    model = find_speech_model([ROOT / "models"])
    recogniser = Recogniser(model, threads=2)
    if args.room_only:
        room_report(recogniser, args.or_rows, args.or_part)
        return
    lines = [turn for visit in dialogue_turns(args.visits, args.lines) for turn in visit]
    reference = " ".join(words for _, words in lines)
    samples = spoken(lines)
    with tempfile.TemporaryDirectory() as folder:
        clean = write_wav(Path(folder) / "clean.wav", samples)
        noisy = write_wav(Path(folder) / "noisy.wav", with_noise(samples, 10.0))
        print(f"Speech model: {model.name} ({model.size / 1e6:.0f} MB, checked: {model.checked})")
        print(f"Dialogue: {len(lines)} turns of {args.visits} ACI-Bench training visits, "
              f"{len(samples) / RATE / 60:.1f} min, two espeak-ng voices")  # fmt: skip
        for label, path in (("clean", clean), ("white noise at 10 dB", noisy)):
            wer, rtf, _ = measure(recogniser, path, reference)
            print(f"  {label:22s} WER {wer:.3f}   real-time factor {rtf:.3f}")
        one_minute = np.tile(samples, int(np.ceil(60 * RATE / samples.size)))[: 60 * RATE]
        long = np.tile(one_minute, int(args.long_minutes))
        short_file = write_wav(Path(folder) / "short.wav", one_minute)
        long_file = write_wav(Path(folder) / "long.wav", long)
        short, longer = peak_memory(short_file), peak_memory(long_file)
    encoder = VoiceEncoder(model.folder.parent / VOICE_ENCODER_FILE)
    visits = dialogue_turns(args.speaker_visits, args.lines, skip=args.visits)
    for label, snr in (("clean", None), ("white noise at 10 dB", 10.0)):
        right, total, split = speaker_accuracy(encoder, visits, snr)
        print(f"Speakers, {label}: {right}/{total} turns right ({right / total:.3f}), "
              f"{split}/{len(visits)} visits split into two voices")  # fmt: skip
    room_report(recogniser, args.or_rows, args.or_part)
    print("Peak memory of a whole transcription (fresh process each):")
    for run in (short, longer):
        print(f"  {run['minutes']:5.1f} min of audio: {run['peak_mb']:.0f} MB")
    print(f"  long / short: {longer['peak_mb'] / short['peak_mb']:.2f}")


def room_report(recogniser: Recogniser, or_rows: int, part: str = "dev") -> None:
    rows = room_commands(or_rows, part)
    if not rows:  # --or-rows 0: the room's commands are not measured this time
        return
    print(f"Room commands from the OR blind set's {part} part:")
    for label, snr in (("clean", None), ("white noise at 10 dB", 10.0)):
        r = room_listening(recogniser, rows, snr)
        print(
            f"Room commands, {label}: {r['right']}/{r['commands']} right, {r['missed']} missed, "
            f"{r['wrong']} wrong machine or action; talk taken as a command {r['false']}/"
            f"{r['talk']}; misses offered right for confirmation {r['offered_right']}, talk "
            f"offered {r['offered_talk']}; end of speech to command: median "
            f"{r['latency_median']:.2f} s, max {r['latency_max']:.2f} s"
        )


if __name__ == "__main__":
    main()
