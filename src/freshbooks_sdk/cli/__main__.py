"""``python -m freshbooks_sdk.cli``: the ``freshbooks`` program."""

from freshbooks_sdk.cli.app import main

if __name__ == "__main__":
    raise SystemExit(main())
