"""Drafting in the Sessions window, whatever the outcome: honest labels (who drafted the
note, which model, real timings), a slow model's timeout giving the labelled rule draft,
Cancel by keyboard, and every control back to its normal state afterwards."""

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.usecases.drafting import PROMPT_STAGE
from core.store.notes import note_history
from tests.ui.test_sessions_window import _patient_with_session
from tests.ui.window_fixture import WindowFactory
from ui.main_window import MainWindow

HOLD_S = 60.0  # at most, while the test itself releases the held model


@pytest.fixture
def release(make_window: WindowFactory) -> Iterator[threading.Event]:
    """Releases a held model; set at the end whatever happened (before the window closes)."""
    event = threading.Event()
    yield event
    event.set()


def _controls_back(window: MainWindow) -> None:
    """Every drafting control in its normal state: nothing left busy or disabled."""
    view = window.sessions.view
    assert not window.sessions.job.busy
    assert view.generate_button.isEnabled(), "Generate stays disabled"
    assert view.template.isEnabled(), "the template selector stays disabled"
    assert view.editor.isEnabled() and not view.editor.isReadOnly(), "the editor is not writable"
    assert not view.cancel_button.isEnabled() and not view.progress.isVisible()
    assert view.stage_label.text() == ""


def _hold_first_token(window: MainWindow, release: threading.Event) -> None:
    """The model stops at its first token until ``release`` (on the worker's own thread):
    a slow model, held as long as the test needs."""
    held: list[bool] = []

    def hold(_job_id: str, _text: str) -> None:
        if not held:
            held.append(True)
            release.wait(HOLD_S)

    window.worker.token.connect(hold, Qt.ConnectionType.DirectConnection)


def _hold_at_start(window: MainWindow, release: threading.Event) -> None:
    """The drafting stops as it starts (before the model reads the transcript) until
    ``release``, on the worker's own thread: a model slower than any time limit."""

    def hold(_job_id: str, stage: str, _fraction: float) -> None:
        if stage == PROMPT_STAGE:
            release.wait(HOLD_S)

    window.worker.progress.connect(hold, Qt.ConnectionType.DirectConnection)


def _last_run_is_measured(window: MainWindow) -> None:
    text = window.last_run_label.text()
    assert re.fullmatch(r"Last note: (\d+ ms|\d+\.\d s|\d+ min \d+ s)(, \d+ tokens/s)?", text), text
    assert "0.0 s" not in text and " 0 ms" not in text


def test_no_model_configured_says_rule_drafts_not_a_failed_model(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    assert window.degraded_badge.text() == "Rule drafts (no model configured)"
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    assert window.degraded_badge.text() == "Rule drafts (no model configured)"
    assert "Degraded" not in window.degraded_badge.text()
    assert view.badges.text().startswith("Rule draft") and "AI draft" not in view.badges.text()
    assert window.sessions.sessions.list.currentItem().text().endswith("Rule draft")
    assert view.history.list.item(0).text().split("·")[1].strip().startswith("Rule draft")
    assert "rule draft" in window.statusBar().currentMessage()
    _last_run_is_measured(window)
    _controls_back(window)
    assert note_history(window.context.db, session_id)[0].engine == "rules"

    view.editor.moveCursor(view.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(view.editor, " Reviewed.")
    view.editor.flush()
    assert view.badges.text().startswith("Edited")


def test_a_model_that_cannot_be_loaded_is_degraded_with_its_reason(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)  # a configured model that is not one
    window = make_window(model=broken)
    badge = window.degraded_badge.text()
    assert badge.startswith("Degraded: ") and len(badge) > len("Degraded: ")
    assert "no model configured" not in badge


def test_a_model_draft_is_labelled_with_its_model_and_its_measured_rate(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, tiny_model: Path
) -> None:
    window = make_window(model=tiny_model)
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    version = note_history(window.context.db, session_id)[-1]
    if version.engine == "rules":  # the random weights' text was set aside: the rules wrote it
        assert view.badges.text().startswith("Rule draft")
        assert window.degraded_badge.text().startswith("Degraded: ")
    else:
        assert version.model_name and "rule" not in version.model_name
        assert view.badges.text().startswith(f"AI draft · {version.model_name}")
    assert "tokens/s" in window.last_run_label.text()  # the model wrote, the rate is measured
    _last_run_is_measured(window)
    _controls_back(window)


def test_a_model_that_times_out_gives_the_rule_draft_saved_and_labelled(
    make_window: WindowFactory,
    qtbot: QtBot,
    tmp_path: Path,
    tiny_model: Path,
    release: threading.Event,
) -> None:
    window = make_window(model=tiny_model, AURALIS_INFERENCE__TIMEOUT_S="1")
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    _hold_at_start(window, release)
    qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    assert not view.template.isEnabled() and view.cancel_button.isEnabled()
    # The time limit passes while the drafting is held, as with a slow model.
    qtbot.waitUntil(lambda: "s so far" in view.stage_label.text(), timeout=30_000)  # progress
    qtbot.waitUntil(lambda: window.sessions.job.elapsed_s > 1.5, timeout=30_000)
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        release.set()
    message = window.statusBar().currentMessage()
    assert message.startswith("The model timed out after 1.0 s; this is the rule draft")
    version = note_history(window.context.db, session_id)[-1]
    assert version.engine == "rules" and version.model_name == "auralis-tiny-test"
    assert "did not finish within the time limit" in view.editor.toPlainText()
    assert view.badges.text().startswith("Rule draft")
    assert window.degraded_badge.text().startswith("Degraded: ")
    _controls_back(window)


def test_cancel_by_keyboard_while_the_model_writes_gives_every_control_back(
    make_window: WindowFactory,
    qtbot: QtBot,
    tmp_path: Path,
    tiny_model: Path,
    release: threading.Event,
) -> None:
    window = make_window(model=tiny_model)
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    _hold_first_token(window, release)
    with qtbot.waitSignal(window.sessions.job.token, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    assert view.cancel_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.cancel_button.setFocus()
    qtbot.keyClick(view.cancel_button, Qt.Key.Key_Space)  # Cancel, by keyboard
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        release.set()  # a first note cancelled: the rule draft
    assert note_history(window.context.db, session_id)[-1].engine == "rules"
    assert view.badges.text().startswith("Rule draft")
    _controls_back(window)


def test_a_draft_the_store_refuses_gives_every_control_back(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    window.context.db.execute(
        "CREATE TEMP TRIGGER refuse_drafts BEFORE INSERT ON note_versions "
        "WHEN NEW.is_ai_generated = 1 BEGIN SELECT RAISE(ABORT, 'no space'); END"
    )
    with qtbot.waitSignal(window.sessions.job.failed, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    _controls_back(window)
    window.context.db.execute("DROP TRIGGER refuse_drafts")


def test_a_cancelled_regeneration_gives_every_control_back(
    make_window: WindowFactory,
    qtbot: QtBot,
    tmp_path: Path,
    tiny_model: Path,
    release: threading.Event,
) -> None:
    window = make_window(model=tiny_model)
    _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    _hold_first_token(window, release)
    with qtbot.waitSignal(window.sessions.job.token, timeout=120_000):
        view.generate(regenerate=True)
    view.show_session(view._opened, view.patient_id)  # the session shown again meanwhile
    view.cancel_button.click()
    with qtbot.waitSignal(window.sessions.job.cancelled, timeout=120_000):
        release.set()
    _controls_back(window)
