"""The sandbox's accounting resources, one module each, on the shared :mod:`.base` machinery."""
