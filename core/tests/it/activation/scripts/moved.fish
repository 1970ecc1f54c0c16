# Activates a moved or copied environment ($VENV), uses python, pip and a
# console script pip installed, uninstalls it, deactivates.
var before_PATH PATH
source $VENV/bin/activate.fish
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec python (command -v python)
rec prefix (python -c 'import sys; print(sys.prefix)' | string collect)
rec pip (pip --version | string collect)
rec script (hello-venv | string collect)
if pip uninstall -y hello-venv >/dev/null
    rec uninstalled yes
else
    rec uninstalled no
end
if command -q hello-venv
    rec script_after (command -v hello-venv)
else
    rec script_after gone
end
deactivate
var after_PATH PATH
var after_VIRTUAL_ENV VIRTUAL_ENV
rec DONE
