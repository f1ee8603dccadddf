"""ShotGraph: a written story in, a narrated, scored, subtitled MP4 out."""

__version__ = "0.1.0"
