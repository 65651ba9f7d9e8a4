"""Run the CLI as `python -m nexus_pm`."""

from .cli import main

main()
