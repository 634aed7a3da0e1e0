"""The model: a checked syntax tree compiled into an evaluation graph."""
