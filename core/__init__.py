"""Domain logic and engines: pure Python, never imports Qt, qasync, app or ui."""
