"""The speech errors, importable without the audio libraries (the command line names
them at start-up)."""


class AudioFileError(ValueError):
    """An audio file that cannot be used; the message is one line for the user, naming
    the file, never what it holds."""


class SpeechModelError(RuntimeError):
    """No usable speech model: the message says what is missing and how to add one."""


class MicrophoneError(RuntimeError):
    """No microphone, or not the one asked for; the message says what there is."""
