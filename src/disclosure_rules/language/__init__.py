"""The language: ruleset text → syntax tree → diagnostics (parse, check, format)."""
