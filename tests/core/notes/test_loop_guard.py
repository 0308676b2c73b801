from core.llm.types import CancelToken
from core.notes.loop_guard import LoopGuard


def test_a_model_writing_in_circles_is_stopped() -> None:
    guard = LoopGuard(None)
    seen: list[str] = []
    read = guard.watch(seen.append)
    for piece in ["The patient has a cough. ", "She denies fever and chills. "]:
        read(piece)
    assert guard.reason is None
    for _ in range(12):
        read("She reports a cough for three weeks now. ")
    assert guard.looping and guard.reason == "loop" and guard.is_stopped
    assert len(seen) == 14  # every piece still reached the window


def test_the_jobs_stop_and_an_engines_cancel_come_first() -> None:
    job = CancelToken()
    guard = LoopGuard(job)
    job.cancel()
    assert guard.reason == "cancelled"
    own = LoopGuard(CancelToken(timeout_s=0))
    assert own.reason == "timeout"
    alone = LoopGuard(None)
    alone.cancel()  # what LocalEngine.cancel() does to the token it holds
    assert alone.reason == "cancelled"
