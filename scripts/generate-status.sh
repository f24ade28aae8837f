#!/usr/bin/env bash
# Regenerates the C ABI's status list from runtime/Ifm.Core/IfmErrorCode.cs (the one source of error kinds):
# native/include/ifm.h's block between the "BEGIN ifm_status" and "END ifm_status" markers and
# native/Ifm.Native/Abi/Status.g.cs. The same tests fail in the suite while the checked-in files differ.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
IFM_REGENERATE=1 dotnet test "$root/tests/Ifm.Native.Tests/Ifm.Native.Tests.csproj" -c Release -nologo -v:q \
  --filter "FullyQualifiedName~StatusGeneratorTests"
git -C "$root" status --short native/include/ifm.h native/Ifm.Native/Abi/Status.g.cs
