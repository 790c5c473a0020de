"""`python -m publisher`: the same command as `publisher`."""

from publisher.cli.entry import main

main()
