"""The click command-line interface: a thin layer over the library."""
