"""The GPU video backend: a diffusers keyframe per shot, animated by Stable Video Diffusion
(or a text-to-video model), with the picture carried from shot to shot within a scene."""
