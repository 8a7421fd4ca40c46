"""`python -m harness.cli`: same as the `lienthong` script."""

from harness.cli.main import main

main()
