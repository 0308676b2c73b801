"""Write the tiny random-weight test model that ``packaging/smoke.sh`` bundles:
``python packaging/make_test_model.py OUT.gguf [SEED]`` (another seed, another file), or
with ``--adapter ADAPTER.gguf MODEL.gguf`` a random LoRA adapter for that model, written
by the model lab's own converter.

It is the test suite's model, written with the ``gguf`` package, never downloaded. Its
answers are noise, which is all the smoke test needs: llama.cpp loads and runs it from the
bundle."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

from gguf_builder import write_llama_gguf

if __name__ == "__main__" and sys.argv[1:2] == ["--adapter"]:
    from lora_builder import write_adapter

    if len(sys.argv) != 4:
        raise SystemExit("usage: python packaging/make_test_model.py --adapter OUT.gguf MODEL.gguf")
    print(write_adapter(Path(sys.argv[3]), Path(sys.argv[2]), name="smoke-adapter"))
elif __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: python packaging/make_test_model.py OUT.gguf [SEED]")
    seed = int(sys.argv[2]) if len(sys.argv) == 3 else 0
    print(write_llama_gguf(Path(sys.argv[1]), seed=seed))
