"""The PostgreSQL store classes; import them from :mod:`freshbooks_sdk.stores.postgres`."""
