"""``python -m indexlib.cli`` runs the command line."""

from indexlib.cli import run_command_line

run_command_line()
