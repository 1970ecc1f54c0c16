<#
.Synopsis
Activate a Python virtual environment in the current PowerShell session.

.Description
Puts the environment's script directory first on PATH, sets VIRTUAL_ENV and
VIRTUAL_ENV_PROMPT, removes PYTHONHOME while the environment is active and
shows the environment's name before the prompt. Run `deactivate` to undo all
of it; `deactivate -NonDestructive` undoes it but keeps the command.

Set VIRTUAL_ENV_DISABLE_PROMPT to a non-empty value to keep the prompt as it
is.

.Parameter VenvDir
The environment to activate. Defaults to the one this script was written for.

.Parameter Prompt
Text shown in parentheses before the prompt. Defaults to the environment's
prompt (the `prompt` key of its pyvenv.cfg, or its directory name).

.Example
. path/to/env/bin/Activate.ps1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $false)]
    [string] $VenvDir,

    [Parameter(Mandatory = $false)]
    [string] $Prompt
)

# Everything activation replaces is kept in one global variable rather than
# in environment variables, so programs started from this session never see
# it. Whether a value existed is recorded next to it: an unset variable must
# come back unset, not empty.
function global:deactivate {
    [CmdletBinding()]
    param(
        [switch] $NonDestructive
    )

    $saved = Get-Variable -Name _VENV_SAVED_STATE -Scope Global -ValueOnly -ErrorAction SilentlyContinue
    if ($null -ne $saved) {
        if ($saved.HadPath) {
            Set-Item -LiteralPath Env:PATH -Value $saved.Path
        }
        else {
            Remove-Item -LiteralPath Env:PATH -ErrorAction SilentlyContinue
        }

        if ($saved.HadPythonHome) {
            Set-Item -LiteralPath Env:PYTHONHOME -Value $saved.PythonHome
        }

        if ($saved.ChangedPrompt) {
            if ($null -ne $saved.OldPrompt) {
                Set-Item -Path Function:global:prompt -Value $saved.OldPrompt
            }
            else {
                Remove-Item -Path Function:global:prompt -ErrorAction SilentlyContinue
            }
        }

        Remove-Variable -Name _VENV_SAVED_STATE -Scope Global -Force
    }

    Remove-Item -LiteralPath Env:VIRTUAL_ENV -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath Env:VIRTUAL_ENV_PROMPT -ErrorAction SilentlyContinue

    if (-not $NonDestructive) {
        Remove-Item -Path Function:global:deactivate -ErrorAction SilentlyContinue
    }
}

# pyvenv.cfg is `key = value` lines; values may be wrapped in quotes.
function Get-VenvConfigValue([string] $Dir, [string] $Key) {
    $cfg = Join-Path -Path $Dir -ChildPath 'pyvenv.cfg'
    if (-not (Test-Path -LiteralPath $cfg -PathType Leaf)) {
        return $null
    }
    foreach ($line in Get-Content -LiteralPath $cfg) {
        $parts = $line -split '\s*=\s*', 2
        if ($parts.Count -eq 2 -and $parts[0].Trim() -eq $Key -and $parts[1]) {
            $value = $parts[1].Trim()
            if ($value.Length -ge 2 -and ($value[0] -eq "'" -or $value[0] -eq '"') -and $value[-1] -eq $value[0]) {
                $value = $value.Substring(1, $value.Length - 2)
            }
            return $value
        }
    }
    return $null
}

if (-not $VenvDir) {
__VENV_LOCATE__
    if (-not $Prompt) {
__VENV_SET_PROMPT__
    }
}
elseif (-not $Prompt) {
    $Prompt = Get-VenvConfigValue -Dir $VenvDir -Key 'prompt'
    if (-not $Prompt) {
        $Prompt = Split-Path -Path $VenvDir.TrimEnd('\', '/') -Leaf
    }
}
Write-Verbose "Environment: '$VenvDir', prompt: '$Prompt'"

# Leave whichever environment is active, keeping the function just defined.
deactivate -NonDestructive

$binDir = Join-Path -Path $VenvDir -ChildPath '__VENV_BIN_NAME__'
$hadPath = Test-Path -LiteralPath Env:PATH
$hadPythonHome = Test-Path -LiteralPath Env:PYTHONHOME

$state = @{
    HadPath       = $hadPath
    Path          = $(if ($hadPath) { $env:PATH } else { $null })
    HadPythonHome = $hadPythonHome
    PythonHome    = $(if ($hadPythonHome) { $env:PYTHONHOME } else { $null })
    ChangedPrompt = $false
    OldPrompt     = $null
}

$env:VIRTUAL_ENV = $VenvDir
$env:VIRTUAL_ENV_PROMPT = $Prompt

# No trailing separator when PATH was empty: an empty entry would mean the
# current directory.
if ($hadPath -and $env:PATH) {
    $env:PATH = $binDir + [System.IO.Path]::PathSeparator + $env:PATH
}
else {
    $env:PATH = $binDir
}

# A PYTHONHOME pointing elsewhere would make the environment's interpreter
# load another installation's standard library.
if ($hadPythonHome) {
    Remove-Item -LiteralPath Env:PYTHONHOME
}

if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    $state.ChangedPrompt = $true
    $oldPrompt = Get-Item -Path Function:global:prompt -ErrorAction SilentlyContinue
    if ($null -ne $oldPrompt) {
        $state.OldPrompt = $oldPrompt.ScriptBlock
    }

    # The prefix is written first so that anything the old prompt writes to
    # the host itself still comes after it.
    Set-Item -Path Function:global:prompt -Value {
        $saved = Get-Variable -Name _VENV_SAVED_STATE -Scope Global -ValueOnly -ErrorAction SilentlyContinue
        Write-Host -NoNewline -ForegroundColor Green "($env:VIRTUAL_ENV_PROMPT) "
        if ($null -ne $saved -and $null -ne $saved.OldPrompt) {
            & $saved.OldPrompt
        }
        else {
            "PS $($ExecutionContext.SessionState.Path.CurrentLocation)$('>' * ($NestedPromptLevel + 1)) "
        }
    }
}

Set-Variable -Name _VENV_SAVED_STATE -Scope Global -Value $state
