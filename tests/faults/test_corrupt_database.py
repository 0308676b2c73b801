"""A damaged database (pages in the middle of the encrypted file overwritten after a
backup): commands refuse with a message naming the newest good backup and never write
into the damaged file; ``db restore <backup> --yes`` brings every write back and keeps
the damaged file aside as ``auralis.db.replaced-*``."""

import random

import harness
from conftest import CliRunner


def test_a_damaged_database_is_refused_untouched_and_restored(run_cli: CliRunner) -> None:
    home = harness.FaultHome(run_cli.env())
    ledger = harness.setup(home)
    harness.grow(home, ledger, 400)  # a few hundred pages
    outcome = harness.corrupt_and_restore(home, ledger, random.Random(11))
    assert outcome.problems == []
    assert outcome.pages == 4
