"""`python -m publisher`: the same command as `publisher`."""

from publisher.cli.app import main

main()
