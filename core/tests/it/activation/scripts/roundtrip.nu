$env.PROMPT_COMMAND = {|| $"orig ($env.INIT_PS1)> " }
$env.PYTHONHOME = $env.INIT_PYTHONHOME
var before_PATH PATH
var before_PYTHONHOME PYTHONHOME
rec before_prompt (prompt-text)
overlay use "@VENV@/bin/activate.nu"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PYTHONHOME PYTHONHOME
rec prompt (prompt-text)
rec python (which python | get 0.path)
^python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0child_VIRTUAL_ENV=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>"), os.environ["VIRTUAL_ENV"]))'
overlay-active active_overlay
deactivate
var after_PATH PATH
var after_PYTHONHOME PYTHONHOME
var after_VIRTUAL_ENV VIRTUAL_ENV
var after_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec after_prompt (prompt-text)
rec after_child_PYTHONHOME (^printenv PYTHONHOME | str trim)
overlay-active after_overlay
var leftover_state _VENV_ACTIVATE_STATE
rec DONE ""
