"""Quiz mode: questions generated from the study material, sessions, scores and review."""
