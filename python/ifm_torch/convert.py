"""Convert a torch.save()d PyTorch model to .ifm.

    python3 -m ifm_torch.convert MODULE.pt OUT.ifm [--name NAME]

MODULE.pt holds the seed paper's ExplicitNeuralNetwork (brcai/IFM_pong; its class must be importable, e.g. run from
its folder or with PYTHONPATH) or an ifm_torch.reference.IfmReference.
"""
import argparse
import sys

import torch

from .ifm_format import write_ifm
from .models import from_paper, from_reference


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m ifm_torch.convert", description=__doc__.split("\n\n")[0])
    p.add_argument("module")
    p.add_argument("out")
    p.add_argument("--name", default=None)
    a = p.parse_args(argv)
    try:
        m = torch.load(a.module)
    except (OSError, RuntimeError, AttributeError, ModuleNotFoundError) as e:
        print(f"ifm_torch.convert: {a.module}: cannot load ({e})", file=sys.stderr)
        return 1
    if hasattr(m, "connections") and hasattr(m, "neurons"):
        model = from_paper(m, name=a.name or "ifm-pong")
    elif hasattr(m, "mask") and hasattr(m, "alpha"):
        model = from_reference(m, name=a.name or "pytorch-reference")
    else:
        print(f"ifm_torch.convert: {a.module}: {type(m).__name__} is neither the paper's ExplicitNeuralNetwork nor an IfmReference", file=sys.stderr)
        return 1
    size = write_ifm(model, a.out, exported_by="ifm_torch.convert")
    print(f"wrote {a.out}: {model.neurons} neurons, {model.edges} edges ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
