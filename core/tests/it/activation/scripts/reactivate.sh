PS1='orig$ '
var before_PATH PATH
. "$VENV/bin/activate"
. "$VENV2/bin/activate"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PS1 PS1

deactivate nondestructive
var nd_PATH PATH
var nd_PS1 PS1
var nd_VIRTUAL_ENV VIRTUAL_ENV
var nd_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
has_deactivate nd_deactivate

deactivate
var final_PATH PATH
var final_PS1 PS1
has_deactivate final_deactivate
rec DONE
