# Activates a moved or copied environment (@VENV@), uses python, pip and a
# console script pip installed, uninstalls it, deactivates.
var before_PATH PATH
overlay use "@VENV@/bin/activate.nu"
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec python (which python | get 0.path)
rec prefix (^python -c 'import sys; print(sys.prefix)' | str trim)
rec pip (^pip --version | str trim)
rec script (^hello-venv | str trim)
^pip uninstall -y hello-venv | ignore
rec uninstalled yes
rec script_after (if (which hello-venv | is-empty) { "gone" } else { which hello-venv | get 0.path })
deactivate
var after_PATH PATH
var after_VIRTUAL_ENV VIRTUAL_ENV
rec DONE ""
