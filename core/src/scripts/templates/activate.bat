@echo off
rem Activates this environment in cmd.exe: `call Scripts\activate.bat`.
rem Written by venv for this environment; its paths are filled in below
rem with every percent sign doubled, as cmd.exe reads them.

rem The paths may hold any character: read this file as UTF-8, then put the
rem console's code page back at the end.
for /f "tokens=2 delims=:." %%c in ('"%SystemRoot%\System32\chcp.com"') do set _OLD_CODEPAGE=%%c
if defined _OLD_CODEPAGE "%SystemRoot%\System32\chcp.com" 65001 > nul

set "VIRTUAL_ENV=__VENV_DIR__"

rem Activating twice (or another environment) starts from the saved values.
if not defined PROMPT set "PROMPT=$P$G"
if defined _OLD_VIRTUAL_PROMPT set "PROMPT=%_OLD_VIRTUAL_PROMPT%"
if defined _OLD_VIRTUAL_PYTHONHOME set "PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%"
if defined _OLD_VIRTUAL_PATH set "PATH=%_OLD_VIRTUAL_PATH%"

set "_OLD_VIRTUAL_PROMPT=%PROMPT%"
set "PROMPT=(__VENV_PROMPT__) %PROMPT%"

if defined PYTHONHOME set "_OLD_VIRTUAL_PYTHONHOME=%PYTHONHOME%"
set PYTHONHOME=

if not defined _OLD_VIRTUAL_PATH set "_OLD_VIRTUAL_PATH=%PATH%"
set "PATH=%VIRTUAL_ENV%\__VENV_BIN_NAME__;%PATH%"
set "VIRTUAL_ENV_PROMPT=__VENV_PROMPT__"

if defined _OLD_CODEPAGE "%SystemRoot%\System32\chcp.com" %_OLD_CODEPAGE% > nul
set _OLD_CODEPAGE=
