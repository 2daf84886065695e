"""`python -m assay.cli` runs the command line."""

from .app import main

main()
