"""``python -m openskies``: the same as the ``openskies`` command."""

from openskies.cli.main import run

run()
