"""`torchrun`, usable with Debian's python3-torch 1.13 on Python 3.11.

torch 1.13's launcher turns --redirects/--tee ("0" by default) into its Std flag by iterating over the flag class,
which Python 3.11 no longer does for the zero and multi-bit members; every torchrun then stops with
"AttributeError: 'NoneType' object has no attribute 'get'" in to_map. This module parses those values directly and
then runs torch.distributed.run unchanged, so it takes every torchrun option:

    python3 -m ifm_torch.torchrun --nproc_per_node=2 -m ifm_torch.train DATA... --out model.ifm
"""
import re
import sys

from torch.distributed.elastic.multiprocessing import api


def _from_str(vm):
    if re.match(api._VALUE_REGEX, vm):
        return api.Std(int(vm))
    if re.match(api._MAPPING_REGEX, vm):
        return {int(i): api.Std(int(v)) for i, v in (m.split(":") for m in vm.split(","))}
    raise ValueError(f"{vm} does not match: <{api._VALUE_REGEX}> or <{api._MAPPING_REGEX}>")


def main():
    if api.Std.from_str("0") is None:      # the broken combination; newer torch parses it itself
        api.Std.from_str = staticmethod(_from_str)
    from torch.distributed import run
    run.main()


if __name__ == "__main__":
    sys.exit(main())
