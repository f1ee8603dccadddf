"""Music backends: a score per scene, ducked under narration at compose time."""
