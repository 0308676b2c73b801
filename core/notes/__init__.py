"""Clinical notes: transcripts, templates, the risk safety net, drafting, export."""
