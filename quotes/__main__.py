"""``python -m quotes`` runs the command line, like the ``quotes`` command."""

from quotes.cli import main

if __name__ == "__main__":
    main()
