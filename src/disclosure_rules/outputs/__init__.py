"""Outputs: the printers of the command line (tables, CSV, describe text) and the hygiene
every human-readable output passes through. Above ``api`` and ``evaluation``; below ``cli``.
"""
