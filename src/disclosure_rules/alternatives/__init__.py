"""Alternatives: one cohort scored under more than one version of a scheme.

After evaluation in the pipeline, beside the API: :mod:`.compare` scores a cohort
under two rulesets (or one ruleset under two sets of readings or parameters) and
says whose rank moves and which rules account for it; :mod:`.sensitivity` scores it
under every choice a ruleset leaves open (assumed parameters over their declared
ranges, readings, component weights) and reports each unit's rank interval;
:mod:`.rule_ids` names a rule the same way in both versions.
"""
