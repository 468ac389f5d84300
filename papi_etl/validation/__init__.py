"""Validation of submissions against the plan: the frames GX checks, and its findings."""
