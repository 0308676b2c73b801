#!/usr/bin/env bash
# Build the bundle with the tiny test model and check it as a hospital's IT would: the
# self-check, a note and an operating-room replay from the bundle (outputs validated), an
# encrypted database and its audit trail, a replaced, truncated and missing model, a
# read-only install folder and a second window. Where `unshare -n` works (root, or user
# namespaces), every command runs with no network at all: only loopback, and down.
# Any Python warning, traceback or "Exception ignored" on the bundle's stderr fails it.
# Prints the budgets: bundle size without the model < 300 MB, cold --smoke-test < 5 s.
# Run by .ci/run after the test suite; `make smoke` runs it alone. Needs `make test`'s .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# 300 MB before speech; the recogniser's runtime adds about 250 MB (CTranslate2 145 MB,
# FFmpeg's libraries through av 102 MB); measured 547-576 MB without the models.
SIZE_BUDGET_MB=600
START_BUDGET_MS=5000

WORK=$(mktemp -d -t auralis-smoke-XXXXXX)
cleanup() { chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DIST="$WORK/dist" # a bundle of yours in dist/ is left alone
BUNDLE="$DIST/auralis"
MODEL_NAME=auralis-tiny-test.gguf
export AURALIS_HOME="$WORK/home" # every check's data goes here, never to your own folders
export AURALIS_DB_KEY="smoke test passphrase, not a real one" # the database is encrypted
export QT_QPA_PLATFORM=offscreen
if unshare -n true 2>/dev/null; then
    NO_NET=(unshare -n)
    network="none (unshare -n)"
else
    NO_NET=()
    network="the machine's (unshare -n is not permitted here)"
fi

step() { printf '\n== %s\n' "$*"; }
fail() {
    echo "smoke: FAIL: $*" >&2
    exit 1
}
# run NAME ARGS...: the bundle's executable; stdout in $WORK/NAME.out, stderr in NAME.err.
# Sets RC; fails on Python warnings, tracebacks or errors from finalizers on stderr.
run() {
    local name=$1
    shift
    RC=0
    "${NO_NET[@]}" timeout 300 "$BUNDLE/auralis" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
    if grep -E -q 'Traceback|Warning:|Exception ignored|Fatal Python error' "$WORK/$name.err"; then
        cat "$WORK/$name.err" >&2
        fail "$name: Python warnings or errors on stderr"
    fi
}
expect_in() { # expect_in NAME TEXT: NAME's output says TEXT
    grep -F -q -- "$2" "$WORK/$1.out" "$WORK/$1.err" || {
        cat "$WORK/$1.out" "$WORK/$1.err" >&2
        fail "$1: expected \"$2\""
    }
}
now_ms() { date +%s%3N; }

step "build the bundle with the tiny test model"
$PY packaging/make_test_model.py "$WORK/$MODEL_NAME" >/dev/null
PYTHONPATH="$PWD" $PY packaging/make_test_model.py --adapter "$WORK/smoke-adapter.gguf" "$WORK/$MODEL_NAME" >/dev/null
make --no-print-directory bundle DIST="$DIST" MODEL="$WORK/$MODEL_NAME" ADAPTER="$WORK/smoke-adapter.gguf"
INSTALLED="$BUNDLE/models/$MODEL_NAME"
[ -f "$INSTALLED" ] || fail "the model is not in $BUNDLE/models"
speech_mb=$(($(du -sk "$BUNDLE/models/speech" 2>/dev/null | cut -f1 || echo 0) / 1024))
size_mb=$(($(du -sk --exclude='*.gguf' "$BUNDLE" | cut -f1) / 1024 - speech_mb))

step "self-check (--smoke-test), first start after the build; network: $network"
if sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then cold="page cache dropped"; else
    cold="page cache not dropped: no permission"; fi
started=$(now_ms)
run smoke --smoke-test
start_ms=$(($(now_ms) - started))
cat "$WORK/smoke.out"
[ "$RC" -eq 0 ] || fail "--smoke-test exited $RC"
expect_in smoke "engine: local model auralis-tiny-test with adapter smoke-adapter answered"
expect_in smoke "smoke test passed"

step "a note from the sample transcript, with the bundled model"
run notes notes generate --transcript "$BUNDLE/samples/therapy-session.txt" --json
[ "$RC" -eq 0 ] || fail "notes generate exited $RC: $(cat "$WORK/notes.err")"
$PY - "$WORK/notes.out" <<'PYTHON'
import json, sys
note = json.load(open(sys.argv[1], encoding="utf-8"))
# The bundled model wrote (random weights: its text fails the checks, and the note says so).
assert note["engine"] == "local" and "tiny" in note["model_name"].lower(), note["model_name"]
first = note["text"].splitlines()[0]
assert not note["degraded"] or first.startswith("[Rule-based draft: the language model"), first
assert note["sections"] and all(v.strip() for v in note["sections"].values())
found = {(flag["category"], flag["status"], flag["line"]) for flag in note["risk_flags"]}
assert ("suicidal_ideation", "disclosed", 7) in found, found
print(f"ok: {len(note['sections'])} sections, {len(found)} risk flags, model {note['model_name']}")
PYTHON

step "an operating-room replay of the sample case, with the bundled model"
run replay or replay "$BUNDLE/samples/or-lobectomy.jsonl" --surgery lobectomy --fast --json
[ "$RC" -eq 0 ] || fail "or replay exited $RC: $(cat "$WORK/replay.err")"
$PY - "$WORK/replay.out" "$BUNDLE/samples/or-lobectomy.jsonl" <<'PYTHON'
import json, sys
from core.orstate.serializer import get_validation_errors
states = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
segments = sum(1 for line in open(sys.argv[2], encoding="utf-8") if line.strip())
assert len(states) >= segments, (len(states), segments)
for number, state in enumerate(states, 1):
    errors = get_validation_errors(state)
    assert not errors, f"state {number}: {errors}"
sources = sorted({state["source"] for state in states})
print(f"ok: {len(states)} states for {segments} segments validate; sources {sources}")
PYTHON

step "the database is encrypted, and its audit trail is chained"
run patient patients add "SMOKE TEST patient"
[ "$RC" -eq 0 ] || fail "patients add exited $RC: $(cat "$WORK/patient.err")"
run check db check
[ "$RC" -eq 0 ] || fail "db check exited $RC: $(cat "$WORK/check.err")"
expect_in check "encrypted)"
[ "$(head -c 15 "$AURALIS_HOME/data/auralis.db")" != "SQLite format 3" ] || fail "the database is not encrypted"
run verify audit verify
[ "$RC" -eq 0 ] || fail "audit verify exited $RC: $(cat "$WORK/verify.out")"
expect_in verify "unbroken chain"
AURALIS_DB_KEY="not the passphrase" run wrong db check
[ "$RC" -eq 1 ] || fail "a wrong passphrase exited $RC, not 1"
expect_in wrong "Wrong passphrase"
head -n 1 "$WORK/check.out" "$WORK/verify.out"

step "a recording transcribed by the bundle (speech model and voice encoder beside it)"
[ -f "$BUNDLE/models/speech/whisper-tiny.en/model.bin" ] || fail "no speech model in $BUNDLE/models"
if command -v espeak-ng >/dev/null; then
    espeak-ng -w "$WORK/visit.wav" "The patient reports headaches for two weeks. Her knee has been swollen since Monday."
    run audio sessions add --patient 1 --audio "$WORK/visit.wav" --json
    [ "$RC" -eq 0 ] || fail "sessions add --audio exited $RC: $(cat "$WORK/audio.err")"
    $PY - "$WORK/audio.out" <<'PYTHON'
import json, sys
session = json.load(open(sys.argv[1], encoding="utf-8"))
text = session["transcript"].lower()
assert session["transcript_format"] == "audio", session["transcript_format"]
assert all(word in text for word in ("patient", "two weeks", "knee", "swollen")), text
print(f"ok: session {session['id']} transcribed from audio ({len(text)} characters)")
PYTHON
    espeak-ng -w "$WORK/command.wav" "Turn on the C-arm."
    run listen or listen --audio "$WORK/command.wav" --surgery pcnl --engine rules --json
    [ "$RC" -eq 0 ] || fail "or listen --audio exited $RC: $(cat "$WORK/listen.err")"
    $PY - "$WORK/listen.out" <<'PYTHON'
import json, sys
states = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
assert "M04" in states[-1]["machines"]["1"], states[-1]["machines"]
print("ok: a spoken command heard on its short window turned the C-arm on")
PYTHON
else
    echo "skipped: espeak-ng is not installed (apt-get install espeak-ng), so there is no speech to play"
fi

step "the microphone through the bundle's Qt Multimedia"
# A private PulseAudio server with an input, where Debian's package is installed (CI);
# else only the listing itself (no inputs), which still loads Qt Multimedia.
pulse_pid=""
saved_runtime=${XDG_RUNTIME_DIR-}
if command -v pulseaudio >/dev/null; then
    export XDG_RUNTIME_DIR="$WORK/pulse"
    mkdir -p -m 700 "$XDG_RUNTIME_DIR"
    pulseaudio -n --daemonize=yes --exit-idle-time=-1 --log-target=file:"$WORK/pulse.log" \
        -L module-native-protocol-unix -L "module-null-sink sink_name=room" \
        -L "module-remap-source master=room.monitor source_name=mic source_properties=device.description=Auralis-smoke-microphone" \
        && pulse_pid=yes
fi
run devices or listen --list-devices
[ "$RC" -eq 0 ] || fail "or listen --list-devices exited $RC: $(cat "$WORK/devices.err")"
! grep -q "No QtMultimedia backends" "$WORK/devices.err" \
    || fail "Qt's line about the media backend left out of the bundle was not dropped"
if [ -n "$pulse_pid" ]; then
    expect_in devices "Auralis-smoke-microphone"
    pulseaudio --kill || true
fi
if [ -n "$saved_runtime" ]; then export XDG_RUNTIME_DIR="$saved_runtime"; else unset XDG_RUNTIME_DIR; fi
echo "ok: inputs listed: $(tr '\n' ';' < "$WORK/devices.out")"

step "the bundled model replaced by another file"
cp "$INSTALLED" "$WORK/model.orig"
expected=$(sha256sum "$INSTALLED" | cut -d' ' -f1)
$PY packaging/make_test_model.py "$INSTALLED" 7 >/dev/null
found=$(sha256sum "$INSTALLED" | cut -d' ' -f1)
run replaced --smoke-test
[ "$RC" -eq 0 ] || fail "--smoke-test with a replaced model exited $RC"
expect_in replaced "rule-based"
expect_in replaced "checksum mismatch (expected sha256 $expected, found $found)"
grep -F "engine:" "$WORK/replaced.out"

step "the bundled model truncated"
head -c 300000 "$WORK/model.orig" >"$INSTALLED"
run truncated --smoke-test
[ "$RC" -eq 0 ] || fail "--smoke-test with a truncated model exited $RC"
expect_in truncated "is truncated"
grep -F "engine:" "$WORK/truncated.out"

step "the bundled model missing"
rm "$INSTALLED"
run missing notes generate --transcript "$BUNDLE/samples/therapy-session.txt"
[ "$RC" -eq 0 ] || fail "notes generate without the model exited $RC"
expect_in missing "$INSTALLED is missing"
expect_in missing "sha256 $expected"
grep -F "missing" "$WORK/missing.err"
cp "$WORK/model.orig" "$INSTALLED"

step "a read-only install folder: data goes to the user's folders"
marker="$WORK/marker"
touch "$marker"
sleep 1
chmod -R a-w "$BUNDLE"
(
    unset AURALIS_HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME
    export HOME="$WORK/user"
    run readonly or replay "$BUNDLE/samples/or-lobectomy.jsonl" --surgery lobectomy --fast --record
    [ "$RC" -eq 0 ] || fail "or replay --record from a read-only install exited $RC"
    [ -s "$HOME/.local/share/Auralis/auralis.db" ] || fail "no database in the user's data folder"
)
chmod -R u+w "$BUNDLE"
changed=$(find "$BUNDLE" -newer "$marker" | head -n 5)
[ -z "$changed" ] || fail "the bundle wrote into its install folder: $changed"
echo "ok: the case was recorded in ~/.local/share/Auralis/auralis.db; nothing written into the bundle"

step "a second window on the same data folder"
"${NO_NET[@]}" "$BUNDLE/auralis" >"$WORK/first.out" 2>&1 &
first=$!
for _ in $(seq 100); do
    [ -f "$AURALIS_HOME/data/auralis.lock" ] && break
    sleep 0.2
done
[ -f "$AURALIS_HOME/data/auralis.lock" ] || fail "the first window took no lock: $(cat "$WORK/first.out")"
run second
kill "$first" && wait "$first" 2>/dev/null || true
[ "$RC" -eq 3 ] || fail "the second window exited $RC, not 3"
expect_in second "already open"
cat "$WORK/second.err"

step "budgets"
status=0
printf 'bundle size without the models: %d MB (budget %d MB); the speech model and voice encoder add %d MB\n' \
    "$size_mb" "$SIZE_BUDGET_MB" "$speech_mb"
[ "$size_mb" -lt "$SIZE_BUDGET_MB" ] || {
    echo "  OVER BUDGET"
    status=1
}
printf -- '--smoke-test, first start after the build (%s): %d ms (budget %d ms)\n' \
    "$cold" "$start_ms" "$START_BUDGET_MS"
[ "$start_ms" -lt "$START_BUDGET_MS" ] || {
    echo "  OVER BUDGET"
    status=1
}
[ "$status" -eq 0 ] || fail "over budget"
echo
echo "packaging smoke test passed"
