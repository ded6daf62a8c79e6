"""`python -m douane` runs the command line."""

from douane.cli import main

main()
