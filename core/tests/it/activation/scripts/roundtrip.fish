function fish_prompt
    printf 'orig[%s] %s> ' $status $INIT_PS1
end
set -gx PYTHONHOME $INIT_PYTHONHOME
var before_PATH PATH
var before_PYTHONHOME PYTHONHOME
false; set p (fish_prompt); rec before_prompt "$p"

source "$VENV/bin/activate.fish"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PYTHONHOME PYTHONHOME
rec python (command -v python)
python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0child_VIRTUAL_ENV=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>"), os.environ["VIRTUAL_ENV"]))'
false; set p (fish_prompt); rec prompt "$p"
has_deactivate active_deactivate

deactivate
var after_PATH PATH
var after_PYTHONHOME PYTHONHOME
var after_VIRTUAL_ENV VIRTUAL_ENV
var after_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
false; set p (fish_prompt); rec after_prompt "$p"
rec after_child_PYTHONHOME (printenv PYTHONHOME; or echo '<unset>')
has_deactivate after_deactivate
set leftovers (functions -a | string match -r '^(_old_fish_prompt|__venv_return)$') (set -n | string match -r '^_OLD_')
rec leftovers "$leftovers"
rec DONE
