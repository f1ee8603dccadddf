"""How the GPU backends run their models: on which device, in which precision, with which
memory savers. Built from settings once; an out-of-memory error asks for the lowered copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable

if TYPE_CHECKING:
    import torch

DtypeName = Literal["float16", "bfloat16", "float32"]


class ModelRuntime(BaseModel):
    """Device, precision and memory options shared by every model of one backend."""

    model_config = ConfigDict(frozen=True)

    device: str
    dtype: DtypeName
    variant: str | None = None
    offline: bool = False
    cpu_offload: bool = False
    vae_slicing: bool = False
    vae_tiling: bool = False
    decode_chunk_size: int = 8
    attention_backend: str | None = None
    compile: bool = False
    lowered_for_memory: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelRuntime:
        """CUDA runs half precision; any other device (a test's CPU) runs float32, the only
        precision every CPU kernel supports."""
        on_cuda = settings.diffusion_device.startswith("cuda")
        return cls(
            device=settings.diffusion_device,
            dtype=settings.diffusion_dtype if on_cuda else "float32",
            variant=settings.diffusion_weights_variant,
            offline=settings.hf_hub_offline,
            cpu_offload=bool(settings.diffusion_cpu_offload) and on_cuda,
            vae_slicing=settings.diffusion_vae_slicing,
            vae_tiling=settings.diffusion_vae_tiling,
            decode_chunk_size=settings.diffusion_decode_chunk_size,
            attention_backend=settings.diffusion_attention_backend,
            compile=settings.diffusion_compile,
        )

    @property
    def on_cuda(self) -> bool:
        return self.device.startswith("cuda")

    def model_key(self, role: str, model_id: str) -> str:
        """How the model manager names a model built for this runtime."""
        mode = "low-memory" if self.lowered_for_memory else "fast"
        return f"{role}:{model_id}:{mode}"

    def torch_dtype(self) -> torch.dtype:
        import torch

        return getattr(torch, self.dtype)

    def lowered(self) -> ModelRuntime:
        """The same runtime with every memory saver on: what a shot that ran out of GPU memory
        is retried with (that shot only). Slower, but SVD-XT then fits far smaller cards."""
        return self.model_copy(
            update={
                "cpu_offload": self.on_cuda,
                "vae_slicing": True,
                "vae_tiling": True,
                "decode_chunk_size": 2,
                "compile": False,
                "lowered_for_memory": True,
            }
        )

    def require_device(self, backend: str) -> None:
        """Refuse to start, with the reason, when the configured device is not usable here."""
        import torch

        if self.on_cuda and not torch.cuda.is_available():
            raise BackendUnavailable(
                f"{backend} needs a CUDA GPU and torch sees none; use the offline backend, "
                "or set DIFFUSION_DEVICE=cpu to run it (very slowly) on the CPU"
            )
        if self.on_cuda:
            # This process's default device too, so offload hooks and memory reports use it.
            torch.cuda.set_device(torch.device(self.device))
