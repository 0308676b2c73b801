"""The model lab: transcript→note pairs validated and split, training examples built by
the same prompt code as inference, LoRA fine-tuning, GGUF export and evaluation.

Dataset handling and formatting need nothing beyond Auralis itself; training and export
import ``torch``, ``transformers`` and ``peft`` (the optional ``[lab]`` extra) only when
they run.
"""
