"""Starting the window: ``python main.py [--data-dir DIR] [--workspace sessions|or|settings]``,
``--screenshot PATH [--demo] [--size WxH]`` and ``--smoke-test``.

The Qt application runs on a qasync event loop (one loop for Qt and asyncio). The store is
opened on the GUI thread (short transactions only); the engine is built on the inference
worker's thread after the window is shown, so the window is usable at once.
"""

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from app.cli.key_options import add_key_options, key_options
from app.context import AppContext, open_context
from app.db_key import throwaway_key
from app.hardening import harden
from app.paths import AppPaths
from app.usecases.errors import StoreError
from ui.instance_lock import acquire_instance_lock, already_open_message
from ui.theme import apply_base_style

SIZE_HELP = "window size for --screenshot, e.g. 1366x768"
ALREADY_OPEN = 3  # exit status of a second window on the same data folder


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auralis", description="Auralis: the window.")
    parser.add_argument("--data-dir", type=Path, metavar="DIR")
    parser.add_argument(
        "--workspace",
        choices=["sessions", "or", "settings"],
        help="open this workspace, or the settings dialog over the window",
    )
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="save the window as PNG")
    parser.add_argument("--demo", action="store_true", help="with --screenshot: demo data")
    parser.add_argument("--locked", action="store_true", help="with --screenshot: locked")
    parser.add_argument("--size", default="1366x768", help=SIZE_HELP)
    parser.add_argument("--smoke-test", action="store_true", help="offscreen self-check")
    add_key_options(parser)
    return parser


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"auralis: error: --size must look like 1366x768, not {text!r}") from None
    return width, height


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


NO_DISPLAY = (
    "auralis: error: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY "
    "is set).\n"
    "  To check the window without a screen: QT_QPA_PLATFORM=offscreen python main.py "
    "--screenshot window.png\n"
    "  The command line works without a display: python main.py --help"
)


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    hardening = harden(AppPaths.resolve(args.data_dir))  # no core files, umask 077
    if warning := hardening.warning():
        print(f"auralis: {warning}", file=sys.stderr)
    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ui.smoke_test import smoke_test

        return smoke_test(args.data_dir)
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return _screenshot(args)
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    data_dir = AppPaths.resolve(args.data_dir).data_dir
    lock = acquire_instance_lock(data_dir)  # before the database is opened
    if lock is None:
        _tell_already_open(data_dir)
        return ALREADY_OPEN
    try:
        context = _open(args)
        if context is None:
            return 1
        return _run_window(context, args.workspace)
    finally:
        lock.unlock()


def _open(args: argparse.Namespace) -> AppContext | None:
    """The context, asking in dialogs what start-up needs to know; where no one can see
    a dialog (offscreen), the key must come from the options or the environment and a
    problem is printed."""
    app = _application()
    if app.platformName() not in ("offscreen", "minimal"):
        from ui.opening import open_context_with_dialogs

        return open_context_with_dialogs(args.data_dir, key_options(args))
    try:
        return open_context(args.data_dir, key_options(args))
    except StoreError as exc:
        print(f"auralis: error: {exc}", file=sys.stderr)
        return None


def _tell_already_open(data_dir: Path) -> None:
    message = already_open_message(data_dir)
    print(f"auralis: {message}", file=sys.stderr)
    app = _application()
    if app.platformName() not in ("offscreen", "minimal"):  # someone may see a dialog
        QMessageBox.information(None, "Auralis is already open", message)


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Auralis")
    app.setOrganizationName("Auralis")
    apply_base_style(app)
    return app


def _run_window(context: AppContext, workspace: str | None) -> int:
    import qasync

    from ui.main_window import MainWindow, freeze_heap

    app = _application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(context)
    if workspace in ("sessions", "or"):
        window.show_workspace(workspace)
    window.show()
    freeze_heap(collect=True)
    window.start_engine()
    if workspace == "settings":
        window.open_settings()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    return 0


def _screenshot(args: argparse.Namespace) -> int:
    from ui.main_window import MainWindow

    width, height = _size(args.size)
    with tempfile.TemporaryDirectory(prefix="auralis-screenshot-") as scratch:
        home = Path(scratch) if args.demo else args.data_dir
        if args.demo:  # a throwaway database
            context = open_context(home, ask=throwaway_key)
        else:
            context = open_context(home, key_options(args))
        if args.demo:
            from app.demo import create_demo_data

            create_demo_data(context.db)
        app = _application()
        window = MainWindow(context, first_run_prompt=False)
        window.resize(width, height)
        if args.workspace in ("sessions", "or"):
            window.show_workspace(args.workspace)
        window.show()
        if args.demo:
            window.show_demo_selection()
        shown = window.open_settings() if args.workspace == "settings" else window
        if args.locked:
            window.lock()
        for _ in range(5):
            app.processEvents()
        actual = (window.width(), window.height())
        if actual != (width, height):  # a picture must not claim a size it does not have
            window.close()
            app.processEvents()
            context.close()
            print(
                f"auralis: error: the window cannot be {width}x{height} (it is"
                f" {actual[0]}x{actual[1]}: its smallest size is"
                f" {window.minimumWidth()}x{window.minimumHeight()}); no screenshot was saved",
                file=sys.stderr,
            )
            return 1
        saved = shown.grab().save(str(args.screenshot))
        window.close()
        app.processEvents()
        context.close()
    if not saved:
        print(f"auralis: error: could not write {args.screenshot}", file=sys.stderr)
        return 1
    print(f"saved {args.screenshot} ({width}x{height})")
    return 0
