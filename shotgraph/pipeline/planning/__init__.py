"""Planning backends: turn a story into scenes and shots (Steps A, B and C)."""
