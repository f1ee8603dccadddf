"""What the diffusion models are asked for: characters described in every prompt showing them,
a seed per character, and camera moves mapped to SVD's motion conditioning."""

from __future__ import annotations

from shotgraph.config import Resolution
from shotgraph.models import CameraMove, Character, Scene, Setting, Shot, ShotRef, ShotType
from shotgraph.pipeline.video.diffusion.prompts import (
    keyframe_seed,
    motion_conditioning,
    negative_prompt,
    shot_prompt,
)
from shotgraph.pipeline.video.protocol import ShotRender

MARA = Character(name="Mara", description="a girl with a red scarf and short black hair.")
TOM = Character(name="Tom", description="an old fisherman in a yellow raincoat")


def render(
    shot_index: int = 0,
    characters: tuple[Character, ...] = (MARA,),
    prompt: str = "Mara flies her kite on the hill",
    camera: CameraMove = CameraMove.STATIC,
    motion: float = 0.5,
    seed: int = 7,
) -> ShotRender:
    shots = [
        Shot(
            index=i,
            type=ShotType.MEDIUM,
            camera=camera,
            motion_strength=motion,
            duration_s=3,
            visual_prompt=prompt,
            characters=[c.name for c in characters],
        )
        for i in range(shot_index + 1)
    ]
    scene = Scene(index=0, setting=Setting(location="the hill"), shots=shots)
    return ShotRender(
        ref=ShotRef(scene=scene, shot=scene.shots[shot_index]),
        characters=list(characters),
        style="watercolour",
        seed=seed,
        resolution=Resolution(width=128, height=64),
        fps=12,
        duration_s=3,
    )


def test_every_character_shown_is_described_before_the_shot() -> None:
    prompt = shot_prompt(render(characters=(MARA, TOM)))
    assert prompt == (
        "Mara, a girl with a red scarf and short black hair; "
        "Tom, an old fisherman in a yellow raincoat; watercolour style; "
        "Mara flies her kite on the hill"
    )


def test_a_description_already_in_the_prompt_is_not_repeated() -> None:
    prompt = shot_prompt(render(prompt="Mara (a girl with a red scarf and short black hair) runs"))
    assert prompt.count("red scarf") == 1


def test_characters_not_in_the_shot_stay_out_of_its_prompt() -> None:
    prompt = shot_prompt(render(characters=(TOM,), prompt="Tom mends a net"))
    assert "Mara" not in prompt
    assert "yellow raincoat" in prompt


def test_a_character_keeps_one_seed_across_shots() -> None:
    assert keyframe_seed(render(0)) == keyframe_seed(render(2))
    assert keyframe_seed(render(0)) != keyframe_seed(render(0, characters=(TOM,)))
    assert keyframe_seed(render(0)) != keyframe_seed(render(0, seed=8))


def test_shots_without_characters_get_seeds_of_their_own() -> None:
    assert keyframe_seed(render(0, characters=())) != keyframe_seed(render(1, characters=()))


def test_the_shot_negative_prompt_wins_over_the_default() -> None:
    assert negative_prompt(render()) == "blurry, low quality, distorted, deformed, text, watermark"


def test_camera_moves_and_motion_strength_raise_svd_motion() -> None:
    still = motion_conditioning(render(camera=CameraMove.STATIC, motion=0.0))
    calm_pan = motion_conditioning(render(camera=CameraMove.PAN, motion=0.2))
    fast_orbit = motion_conditioning(render(camera=CameraMove.ORBIT, motion=1.0))
    assert still.motion_bucket_id < calm_pan.motion_bucket_id < fast_orbit.motion_bucket_id
    assert fast_orbit.motion_bucket_id <= 255
    assert still.noise_aug_strength == 0.02
    assert still.noise_aug_strength < calm_pan.noise_aug_strength < fast_orbit.noise_aug_strength
