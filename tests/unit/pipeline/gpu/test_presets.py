"""The model lineup per card size: chosen from the GPU's memory or named, each model id
overridable, and offload planned up front where the two models do not share the card."""

from __future__ import annotations

from shotgraph.config import Settings
from shotgraph.hardware import GpuInfo
from shotgraph.pipeline.gpu.presets import (
    FLUX2_KLEIN_4B,
    LTX_VIDEO_2B,
    LTX_VIDEO_13B,
    PRESETS,
    chosen_preset,
    lineup,
    preset_for_memory,
)
from shotgraph.pipeline.gpu.weights import configured_weights
from shotgraph.pipeline.video.diffusion.reference_video import preset_runtime


def gpu_box(total_memory_gib: float, **fields: object) -> Settings:
    """prod_gpu settings on a box whose GPU torch reports with this much memory."""
    settings = Settings(_env_file=None, execution_profile="prod_gpu", **fields)
    settings.__dict__["gpu"] = GpuInfo(
        name="a GPU", total_memory_gib=total_memory_gib, device_count=1
    )
    return settings


def test_auto_picks_the_largest_preset_the_card_holds() -> None:
    # As torch reports them: RTX 4090 23.6, L40S 44.4, A6000 47.5, H100 79.2, H200 139.8 GiB.
    reported = {16.0: "24gb", 23.6: "24gb", 44.4: "48gb", 47.5: "48gb", 79.2: "80gb", 139.8: "80gb"}
    for memory, preset in reported.items():
        assert preset_for_memory(memory) == preset
        assert chosen_preset(gpu_box(memory)) == preset
    assert chosen_preset(Settings(_env_file=None)) == "24gb"  # no GPU backend: not looked for


def test_a_named_preset_wins_over_the_card() -> None:
    assert chosen_preset(gpu_box(139.8, gpu_preset="24gb")) == "24gb"
    assert lineup(gpu_box(23.6, gpu_preset="80gb")).video_model == LTX_VIDEO_13B


def test_any_single_model_id_or_setting_overrides_the_preset() -> None:
    chosen = lineup(gpu_box(23.6, diffusion_i2v_model="my/ltx-finetune"))
    assert (chosen.picture_model, chosen.video_model) == (FLUX2_KLEIN_4B, "my/ltx-finetune")
    assert chosen.cpu_offload
    assert not lineup(gpu_box(23.6, diffusion_cpu_offload=False)).cpu_offload
    assert [w.model_id for w in configured_weights(gpu_box(23.6))] == [
        FLUX2_KLEIN_4B,
        LTX_VIDEO_2B,
        "facebook/musicgen-small",
    ]


def test_the_24gb_preset_plans_offload_up_front_in_bfloat16() -> None:
    small, large = gpu_box(23.6), gpu_box(79.2)
    assert preset_runtime(small, lineup(small)).cpu_offload
    assert not preset_runtime(large, lineup(large)).cpu_offload
    assert {preset_runtime(s, lineup(s)).dtype for s in (small, large)} == {"bfloat16"}
    assert {p.video_model for p in PRESETS.values()} == {LTX_VIDEO_2B, LTX_VIDEO_13B}
