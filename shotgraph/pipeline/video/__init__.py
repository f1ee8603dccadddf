"""Video backends: one clip (or a plate and a camera move) per shot."""
