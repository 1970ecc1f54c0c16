PS1='orig$ '
. "$VENV/bin/activate"
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PS1 PS1
deactivate
var after_PS1 PS1
rec DONE
