"""One module per FreshBooks resource (async source; the sync twins are generated)."""
