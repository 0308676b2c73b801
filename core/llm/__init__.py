"""Language-model engines (local GGUF, remote OpenAI-compatible server, rules), their
structured-output safety net, and the job queue whose single thread owns the engine."""
