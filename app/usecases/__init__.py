"""The use cases: one module per thing a person does with Auralis, for both front ends.

The window (``ui/``) and the command line (``app/cli/``) are thin adapters: they parse
what was asked, call a function here, and present what it returns. Neither reaches the
store (``core.store``) or holds a rule that matters to the user (a time limit, a merge,
an export format, provenance): those live here, or in the domain (``core/``) below.

- Qt-free and synchronous: each function runs on the thread that calls it. Reads and
  short changes run on the thread that owns the store connection; drafting runs on the
  inference thread (``drafting``); long database operations (``database``, ``keys``)
  open a connection of their own, so they can run off the GUI thread.
- Every change to the records is one transaction with its audit entry
  (``transaction.audited``): both are kept, or neither.
- Errors are ``StoreError`` and its kind (``errors``), ``TranscriptError``,
  ``TemplateError`` or ``EngineError``, each phrased for the user without patient text.
"""
