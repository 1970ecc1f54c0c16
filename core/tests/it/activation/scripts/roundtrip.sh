PS1=$INIT_PS1
python3 -c pass
PYTHONHOME=$INIT_PYTHONHOME
export PYTHONHOME
var before_PATH PATH
var before_PS1 PS1
var before_PYTHONHOME PYTHONHOME
rec before_python3 "$(command -v python3)"
rec before_child_PS1 "$(printenv PS1 || echo '<unset>')"

. "$VENV/bin/activate"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PS1 PS1
var PYTHONHOME PYTHONHOME
rec python "$(command -v python)"
rec python3 "$(command -v python3)"
python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0child_VIRTUAL_ENV=%s\0child_VIRTUAL_ENV_PROMPT=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>"), os.environ["VIRTUAL_ENV"], os.environ["VIRTUAL_ENV_PROMPT"]))'
has_deactivate active_deactivate

deactivate
var after_PATH PATH
var after_PS1 PS1
var after_PYTHONHOME PYTHONHOME
var after_VIRTUAL_ENV VIRTUAL_ENV
var after_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec after_python3 "$(command -v python3)"
rec after_child_PYTHONHOME "$(printenv PYTHONHOME || echo '<unset>')"
rec after_child_PS1 "$(printenv PS1 || echo '<unset>')"
has_deactivate after_deactivate
for v in _OLD_VIRTUAL_PATH _OLD_VIRTUAL_PATH_UNSET _OLD_VIRTUAL_PS1 _OLD_VIRTUAL_PS1_UNSET _OLD_VIRTUAL_PYTHONHOME; do
    var "leftover_$v" "$v"
done
rec DONE
