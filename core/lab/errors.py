"""The model lab's one error type: what the user is told, in one line."""


class LabError(RuntimeError):
    """A lab step that cannot run or go on; the message says why in one line, and the
    outputs of earlier steps are left as they were."""
