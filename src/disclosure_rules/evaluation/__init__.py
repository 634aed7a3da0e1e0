"""Evaluation: an evaluation graph and a cohort → results with audits."""
