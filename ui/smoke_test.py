"""``python main.py --smoke-test``: an offscreen self-check of an installation (used by
hospital IT after installing, and by the bundle's build). One line per check; exit 0
only when every check passes."""

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.context import open_context
from app.db_key import throwaway_key
from app.engines import build_engine
from app.usecases.database import store_facts
from core.llm.tasks import SchemaTask
from core.llm.types import Message
from core.orstate.serializer import get_validation_errors
from core.orstate.surgeries import load_surgeries
from core.resources import load_schema


def smoke_test(data_dir: Path | None) -> int:
    """Run the checks; the store check always uses a temporary folder, the engine check
    the configured model (or the rules)."""
    failures = 0

    def check(name: str, run: Callable[[], str]) -> None:
        nonlocal failures
        started = time.perf_counter()
        try:
            detail = run()
            print(f"ok    {name}: {detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")
        except Exception as exc:  # every failure is reported, none stops the others
            failures += 1
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        sys.stdout.flush()

    with tempfile.TemporaryDirectory(prefix="auralis-smoke-") as scratch:
        holder: dict[str, object] = {}

        def store() -> str:
            context = open_context(Path(scratch), ask=throwaway_key)
            holder["context"] = context
            facts = store_facts(context.db)
            if not facts.encrypted:
                raise RuntimeError("the new database is not encrypted")
            if facts.migrations_pending or not facts.migrations_applied:
                raise RuntimeError("migrations are pending after opening the store")
            return (
                f"{facts.migrations_applied} migrations applied in a temporary folder, "
                f"encrypted (SQLCipher {facts.cipher_version})"
            )

        def schemas() -> str:
            names = ["surgery_state.schema.json", "surgery.schema.json", "template.schema.json"]
            for name in names:
                load_schema(name)
            surgeries = load_surgeries().surgeries
            return f"{len(names)} schemas, {len(surgeries)} surgeries"

        def window() -> str:
            from PySide6.QtWidgets import QApplication

            from ui.main_window import MainWindow

            app = QApplication.instance() or QApplication(sys.argv[:1])
            context = holder["context"]
            main = MainWindow(context, first_run_prompt=False)  # type: ignore[arg-type]
            main.show()
            app.processEvents()
            main.close()
            app.processEvents()
            return "built, shown and closed"

        def engine() -> str:
            from app.paths import AppPaths
            from app.settings import load_settings

            paths = AppPaths.resolve(data_dir)
            settings = load_settings(paths.settings_file).settings
            choice = build_engine(paths, settings.inference)
            try:
                task = SchemaTask(
                    [Message("user", "Answer with the state of one machine.")],
                    {
                        "type": "object",
                        "properties": {"M01": {"enum": ["ON", "OFF"]}},
                        "required": ["M01"],
                    },
                )
                result = choice.engine.structured(task, max_tokens=32)
            finally:
                choice.engine.close()
            if result.obj is None:
                raise RuntimeError("the engine gave no valid answer")
            unused = f" (no model used: {' '.join(choice.problems)})" if choice.problems else ""
            return f"{choice.description} answered {result.obj}{unused}"

        def rules_state() -> str:
            from core.orstate.live import LiveCase
            from core.orstate.surgeries import get_surgery

            state = LiveCase(get_surgery("pcnl")).on_segment(0.0, "surgeon", "suction on")
            if state is None or get_validation_errors(state):
                raise RuntimeError("the operating-room state does not validate")
            return "a rule state validates against surgery_state.schema.json"

        for name, run in (
            ("store", store),
            ("schemas", schemas),
            ("operating room", rules_state),
            ("window", window),
            ("engine", engine),
        ):
            check(name, run)
        context = holder.get("context")
        if context is not None:
            context.close()  # type: ignore[attr-defined]
    print("smoke test passed" if failures == 0 else f"smoke test FAILED: {failures} check(s)")
    return 0 if failures == 0 else 1
