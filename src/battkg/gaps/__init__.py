"""The gap analysis: demand estimates of one kind against the capacity of running offers.

See docs/decisions/0052-gap-analysis.md. `service.gap_report(kg, ...)` is the entry point
of the API, the CLI and the page; `whatif.what_if(...)` adds a course that does not exist.
"""
