# GENERATED from openapi/freshbooks.yaml by scripts/generate.py: DO NOT EDIT.
# Edit the spec (or src/freshbooks_sdk/_types.py) and run `make generate`.
"""Wire models generated from ``openapi/freshbooks.yaml``.

Import public names from :mod:`freshbooks_sdk.models`, not from here.
"""
