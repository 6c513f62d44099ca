"""Just enough torch.distributed for the Trainer adapter, without importing torch.

Trainer gathers predictions and labels across processes before calling ``compute_metrics``, but
in ``batch_eval_metrics`` mode it passes each process's own input batch. :func:`gather_rows` brings
those inputs together the same way Trainer gathers the rest (pad to a common length with ``-100``,
concatenate in rank order). Torch is only used when the caller already imported it.

>>> world_size(), rank()
(1, 0)
"""

import sys


def _initialised_dist():
    torch = sys.modules.get("torch")
    if torch is None or not torch.distributed.is_available() or not torch.distributed.is_initialized():
        return None
    return torch.distributed


def world_size():
    """Number of processes in the default process group (1 when not distributed)."""
    dist = _initialised_dist()
    return 1 if dist is None else dist.get_world_size()


def rank():
    """This process's rank in the default process group (0 when not distributed)."""
    dist = _initialised_dist()
    return 0 if dist is None else dist.get_rank()


def gather_rows(tensor, *, pad_value=-100):
    """All-gather a 2-D tensor from every process, padding dim 1 to a common length with ``pad_value``.

    Every process must call it (it is a collective). Single-process: returns ``tensor`` unchanged.
    """
    dist = _initialised_dist()
    if dist is None or dist.get_world_size() == 1:
        return tensor
    torch = sys.modules["torch"]
    if tensor.dim() != 2:
        raise ValueError(f"gather_rows expects a 2-D tensor, got shape {tuple(tensor.shape)}")
    shape = torch.tensor(tensor.shape, device=tensor.device)
    shapes = [torch.zeros_like(shape) for _ in range(dist.get_world_size())]
    dist.all_gather(shapes, shape)
    max_rows = int(max(s[0] for s in shapes))
    max_len = int(max(s[1] for s in shapes))
    padded = torch.full((max_rows, max_len), pad_value, dtype=tensor.dtype, device=tensor.device)
    padded[: tensor.shape[0], : tensor.shape[1]] = tensor
    pieces = [torch.empty_like(padded) for _ in range(dist.get_world_size())]
    dist.all_gather(pieces, padded)
    return torch.cat([piece[: int(s[0])] for piece, s in zip(pieces, shapes)])
