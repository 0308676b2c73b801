"""Loaded automatically by Python subprocesses of the tests: installs the network guard."""

import netguard

netguard.install()
