"""The pathway engine: the shortest routes of courses from an entry profile to a job role."""
