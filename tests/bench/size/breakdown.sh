#!/usr/bin/env bash
# What each part of the published `ifm` costs: publishes with the compiler's size report (-p:IlcGenerateMstatFile=true)
# and sums it per assembly, namespace and blob (MstatSizes). Usage: tests/bench/size/breakdown.sh [linux-x64|linux-arm64] [rows]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
rid="${1:-linux-x64}"
out="$(mktemp -d)"
dotnet publish "$root/runtime/Ifm.Cli/Ifm.Cli.csproj" -c Release -r "$rid" -p:PublishAot=true -p:IlcGenerateMstatFile=true -o "$out" -nologo -v:q
echo "ifm ($rid): $(stat -c %s "$out/ifm") bytes"
dotnet run -c Release --project "$root/tests/bench/size/MstatSizes.csproj" -- "$root/runtime/Ifm.Cli/obj/Release/net10.0/$rid/native/ifm.mstat" "${2:-40}"
rm -rf "$out"
