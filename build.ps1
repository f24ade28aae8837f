#!/usr/bin/env -S dotnet pwsh

<#
.SYNOPSIS
    Builds, tests, publishes and releases IFM Edge: a thin wrapper over the commands the README and .ci/run use.

.DESCRIPTION
    All logic lives in MSBuild and scripts/; this script only picks the command. Verbs:

      help      this text (also: Get-Help ./build.ps1 -Full)
      restore   dotnet restore IFM.sln (and the local dotnet tools: pwsh, dotnet-counters)
      build     dotnet build IFM.sln -c Release (or -Project one .csproj)
      test      bash scripts/test.sh (the whole suite; ends with "N passed, M failed")
      publish   bash scripts/publish.sh <rids>: NativeAOT ifm and libifm.so into artifacts/publish/<rid>/
      bench     dotnet run the CLI's `ifm bench` on -Model
      release   bash scripts/release.sh: release folders and their sizes

    PowerShell comes as a local dotnet tool (.config/dotnet-tools.json): `dotnet tool restore` once, then
    `./build.ps1 <verb>` (the shebang runs `dotnet pwsh`) or `dotnet pwsh ./build.ps1 <verb>`.

.PARAMETER Verb
    help, restore, build, test, publish, bench or release (default: build).

.PARAMETER Rid
    Runtime identifiers for publish: linux-x64, linux-arm64 or both. A comma-separated list works from bash
    (`-Rid linux-x64,linux-arm64` arrives as one string there) and from PowerShell.

.PARAMETER Project
    For build: one project or solution instead of IFM.sln.

.PARAMETER Model
    For bench: the .ifm model (default runtime/models/pong.ifm).

.PARAMETER DryRun
    Print the command that the verb would run, then exit 0 without running it.

.EXAMPLE
    ./build.ps1 publish -Rid linux-x64,linux-arm64

.EXAMPLE
    ./build.ps1 build -Project runtime/Ifm.Cli/Ifm.Cli.csproj
#>
param(
    [Parameter(Position = 0)][ValidateSet('help', 'restore', 'build', 'test', 'publish', 'bench', 'release')][string]$Verb = 'build',
    [string[]]$Rid = @('linux-x64', 'linux-arm64'),
    [string]$Project = 'IFM.sln',
    [string]$Model = 'runtime/models/pong.ifm',
    [switch]$DryRun
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

# From bash, `-Rid a,b` is one string "a,b"; from PowerShell it is an array. Accept both, and spaces.
$Rids = @($Rid | ForEach-Object { $_ -split '[,\s]+' } | Where-Object { $_ -ne '' })
foreach ($r in $Rids) {
    if ($r -notin @('linux-x64', 'linux-arm64')) {
        Write-Error "build.ps1: unsupported runtime identifier '$r' (linux-x64 or linux-arm64)" -ErrorAction Continue
        exit 2
    }
}

function Invoke-Checked([string]$File, [string[]]$Arguments) {
    if ($DryRun) {
        Write-Output "dry run: $File $($Arguments -join ' ')"
        return
    }
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Verb) {
    'help'    { Get-Help $PSCommandPath -Full | Out-String -Width 120 | Write-Output }
    'restore' { Invoke-Checked dotnet @('tool', 'restore'); Invoke-Checked dotnet @('restore', 'IFM.sln') }
    'build'   { Invoke-Checked dotnet @('build', $Project, '-c', 'Release', '-nologo') }
    'test'    { Invoke-Checked bash @('scripts/test.sh') }
    'publish' { Invoke-Checked bash (@('scripts/publish.sh') + $Rids) }
    'bench'   { Invoke-Checked dotnet @('run', '-c', 'Release', '--project', 'runtime/Ifm.Cli', '--', 'bench', $Model) }
    'release' { Invoke-Checked bash @('scripts/release.sh') }
}
