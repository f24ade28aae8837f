"""ifm_torch: IFM Edge models in PyTorch. Read and write .ifm files, run the runtime's tick as a vectorised torch
module (every neuron kind and plasticity rule), train by truncated BPTT on one process or with torch.distributed.

    from ifm_torch import read_ifm, write_ifm, IfmNetwork
    net = IfmNetwork(read_ifm("pong.ifm"))
    y, state = net(inputs)            # inputs (T, B, I) -> every neuron's output (T, B, N)
"""
from .data import DataFormatError, TickSequence, load_sequence, read_ticks  # noqa: F401
from .ifm_format import EdgeGroup, IfmFormatError, IfmModel, Population, parse_ifm, read_ifm, to_bytes, write_ifm  # noqa: F401
from .models import from_dense, from_paper, from_reference, random_network  # noqa: F401
from .network import IfmNetwork  # noqa: F401

__version__ = "0.1.0"
