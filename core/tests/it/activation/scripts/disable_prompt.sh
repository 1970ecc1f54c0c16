PS1='orig$ '
VIRTUAL_ENV_DISABLE_PROMPT=1
export VIRTUAL_ENV_DISABLE_PROMPT
. "$VENV/bin/activate"
var disabled_PS1 PS1
var disabled_VIRTUAL_ENV VIRTUAL_ENV
var disabled_PATH PATH
deactivate
var disabled_after_PS1 PS1

VIRTUAL_ENV_DISABLE_PROMPT=''
. "$VENV/bin/activate"
var empty_flag_PS1 PS1
deactivate
var empty_flag_after_PS1 PS1
rec DONE
