unset PS1 PYTHONHOME
. "$VENV/bin/activate"
var unset_active_PS1 PS1
deactivate
var unset_after_PS1 PS1
var unset_after_PYTHONHOME PYTHONHOME

PS1=''
PYTHONHOME=''
export PYTHONHOME
. "$VENV/bin/activate"
var empty_active_PS1 PS1
var empty_active_PYTHONHOME PYTHONHOME
deactivate
var empty_after_PS1 PS1
var empty_after_PYTHONHOME PYTHONHOME
rec empty_after_child_PYTHONHOME "$(printenv PYTHONHOME || echo '<unset>')"
rec DONE
