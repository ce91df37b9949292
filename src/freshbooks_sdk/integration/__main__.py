"""``python -m freshbooks_sdk.integration --export schemas`` (or ``--check schemas``)."""

from freshbooks_sdk.integration.schemas import main

if __name__ == "__main__":
    raise SystemExit(main())
