"""The microphone, through Qt Multimedia: sound arrives as 16 kHz mono float32 blocks,
with their loudness for a level meter; capture can pause, resume and stop; a device
that is missing or fails says so in one line.

Threading: the object lives on the thread that runs the Qt event loop (the window's,
or the command line's own loop); blocks are signalled there as the device delivers
them (every ~0.1 s), and whoever recognises them does so on another thread.
"""

import sys
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QIODevice,
    QLoggingCategory,
    QMessageLogContext,
    QObject,
    QtMsgType,
    Signal,
    Slot,
    qFormatLogMessage,
    qInstallMessageHandler,
)

# Qt Multimedia names its FFmpeg and the sound systems it did not find on every start.
QLoggingCategory.setFilterRules(
    "qt.multimedia.ffmpeg.info=false\nqt.multimedia.symbolsresolver=false"
)
from PySide6.QtMultimedia import (  # noqa: E402 - after the rules, which its loading obeys
    QAudioDevice,
    QAudioFormat,
    QAudioSource,
    QMediaDevices,
    QtAudio,
)

from core.speech.audio_file import SAMPLE_RATE  # noqa: E402
from core.speech.audio_stream import StreamResampler  # noqa: E402
from core.speech.errors import MicrophoneError  # noqa: E402

__all__ = ["Microphone", "MicrophoneError", "input_devices", "loudness", "pick_device"]

NO_BACKEND = "No QtMultimedia backends found"  # the bundle leaves Qt's FFmpeg backend out


def _drop_missing_backend_line() -> None:
    """The bundle ships Qt Multimedia without its FFmpeg media backend, which the
    microphone does not use; Qt says so in one line at every start, in its default
    category. That line alone is dropped; every other message goes where it went."""
    previous: Any = None  # Qt's own output until a handler was installed before

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message.startswith(NO_BACKEND):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(qFormatLogMessage(kind, context, message) + "\n")

    previous = qInstallMessageHandler(handler)


_drop_missing_backend_line()

BLOCK_S = 0.1  # the device is asked for sound this often
SILENT_DBFS = -60.0  # the level meter's bottom


def input_devices() -> list[str]:
    """The sound inputs Qt sees, by the number ``--device`` takes."""
    return [device.description() for device in QMediaDevices.audioInputs()]


def pick_device(number: int | None) -> QAudioDevice:
    """The input numbered ``number`` in :func:`input_devices`, or the system's default."""
    devices = QMediaDevices.audioInputs()
    if not devices:
        raise MicrophoneError("No microphone was found: connect one and try again.")
    if number is None:
        default = QMediaDevices.defaultAudioInput()
        return devices[0] if default.isNull() else default
    if not 0 <= number < len(devices):
        listed = "; ".join(f"{i}: {d.description()}" for i, d in enumerate(devices))
        raise MicrophoneError(f"There is no input device {number}. The inputs are {listed}.")
    return devices[number]


def loudness(samples: np.ndarray) -> float:
    """0 (silent, -60 dBFS or below) to 1 (full scale), for a level meter."""
    if samples.size == 0:
        return 0.0
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    dbfs = 20 * np.log10(max(rms, 1e-9))
    return float(min(max((dbfs - SILENT_DBFS) / -SILENT_DBFS, 0.0), 1.0))


def _wanted_format() -> QAudioFormat:
    wanted = QAudioFormat()
    wanted.setSampleRate(SAMPLE_RATE)
    wanted.setChannelCount(1)
    wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return wanted


_DTYPES = {
    QAudioFormat.SampleFormat.UInt8: (np.uint8, 128.0, 128.0),
    QAudioFormat.SampleFormat.Int16: (np.int16, 0.0, 32768.0),
    QAudioFormat.SampleFormat.Int32: (np.int32, 0.0, 2147483648.0),
    QAudioFormat.SampleFormat.Float: (np.float32, 0.0, 1.0),
}


class Microphone(QObject):
    block = Signal(object)  # np.ndarray: 16 kHz mono float32
    level = Signal(float)  # 0-1, each block's loudness
    failed = Signal(str)  # the device stopped with an error (unplugged, taken)

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device
        fmt = _wanted_format()
        if not device.isFormatSupported(fmt):
            fmt = device.preferredFormat()
        self._format = fmt
        self._dtype, self._offset, self._scale = _DTYPES.get(
            fmt.sampleFormat(), _DTYPES[QAudioFormat.SampleFormat.Int16]
        )
        self._channels = max(fmt.channelCount(), 1)
        self._resampler = (
            None if fmt.sampleRate() == SAMPLE_RATE else StreamResampler(fmt.sampleRate())
        )
        self._source = QAudioSource(device, fmt, self)
        self._source.setBufferSize(fmt.bytesForDuration(int(BLOCK_S * 4 * 1_000_000)))
        self._source.stateChanged.connect(self._state_changed)
        self._io: QIODevice | None = None
        self._pending = b""
        self._stopped = False
        self.seconds = 0.0  # of sound delivered so far

    @property
    def paused(self) -> bool:
        return self._source.state() == QtAudio.State.SuspendedState

    def start(self) -> None:
        self._io = self._source.start()
        if self._io is None or self._source.error() != QtAudio.Error.NoError:
            raise MicrophoneError(f"{self.device.description()} could not be opened.")
        self._io.readyRead.connect(self._read)

    def pause(self) -> None:
        self._source.suspend()

    def resume(self) -> None:
        self._source.resume()

    def stop(self) -> None:
        """Stop capture; the sound already delivered by the device is signalled first.
        Stopping again does nothing."""
        if self._stopped:
            return
        self._stopped = True
        if self._io is not None:
            self._read()
            self._io = None
        self._source.stateChanged.disconnect(self._state_changed)
        self._source.stop()

    @Slot()
    def _read(self) -> None:
        if self._io is None:
            return
        data = self._pending + bytes(self._io.readAll().data())
        frame = self._format.bytesPerFrame() or 2
        usable = len(data) // frame * frame
        self._pending = data[usable:]
        if not usable:
            return
        raw = np.frombuffer(data[:usable], dtype=self._dtype).astype(np.float32)
        samples = ((raw - self._offset) / self._scale).reshape(-1, self._channels).mean(axis=1)
        if self._resampler is not None:
            samples = self._resampler.resample(samples)
        self.seconds += samples.size / SAMPLE_RATE
        self.level.emit(loudness(samples))
        if samples.size:
            self.block.emit(samples.astype(np.float32, copy=False))

    @Slot(QtAudio.State)
    def _state_changed(self, state: QtAudio.State) -> None:
        error = self._source.error()
        if state == QtAudio.State.StoppedState and error != QtAudio.Error.NoError:
            self.failed.emit(f"{self.device.description()} stopped ({error.name}).")
