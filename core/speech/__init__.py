"""Speech in: audio files decoded in bounded blocks, a Whisper recogniser
(CTranslate2, through faster-whisper) loaded from a folder on disk, and files
transcribed into transcript segments with their times. No Qt, no network."""
