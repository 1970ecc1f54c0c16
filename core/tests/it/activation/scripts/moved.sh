# Activates a moved or copied environment ($VENV), uses python, pip and a
# console script pip installed, uninstalls it, deactivates.
rec() { if [ "$#" -ge 2 ]; then printf '%s=%s\0' "$1" "$2"; else printf '%s!\0' "$1"; fi; }
var() { eval "if [ -n \"\${$2+x}\" ]; then rec \"\$1\" \"\$$2\"; else rec \"\$1\"; fi"; }
var before_PATH PATH
. "$VENV/bin/activate"
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec python "$(command -v python)"
rec prefix "$(python -c 'import sys; print(sys.prefix)')"
rec pip "$(pip --version)"
rec script "$(hello-venv)"
if pip uninstall -y hello-venv >/dev/null; then rec uninstalled yes; else rec uninstalled no; fi
rec script_after "$(command -v hello-venv || echo gone)"
deactivate
var after_PATH PATH
var after_VIRTUAL_ENV VIRTUAL_ENV
rec DONE
