#!/usr/bin/env pwsh
# Thin wrapper over the commands the README and .ci/run use; all logic lives in MSBuild and scripts/.
#   ./build.ps1 restore | build | test | publish [-Rid linux-x64,linux-arm64] | bench [-Model net.ifm] | release
param(
    [Parameter(Position = 0)][ValidateSet('restore', 'build', 'test', 'publish', 'bench', 'release')][string]$Verb = 'build',
    [string[]]$Rid = @('linux-x64', 'linux-arm64'),
    [string]$Model = 'runtime/models/pong.ifm'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Checked([string]$File, [string[]]$Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Verb) {
    'restore' { Invoke-Checked dotnet @('restore', 'IFM.sln') }
    'build'   { Invoke-Checked dotnet @('build', 'IFM.sln', '-c', 'Release') }
    'test'    { Invoke-Checked bash @('scripts/test.sh') }
    'publish' { Invoke-Checked bash (@('scripts/publish.sh') + $Rid) }
    'bench'   { Invoke-Checked dotnet @('run', '-c', 'Release', '--project', 'runtime/Ifm.Cli', '--', 'bench', $Model) }
    'release' { Invoke-Checked bash @('scripts/release.sh') }
}
