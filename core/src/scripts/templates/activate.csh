# Load with `source ENV/bin/activate.csh` from csh or tcsh. Running it as a
# program would only change a child process, so it has to be sourced.

# csh has no functions, so deactivate is an alias and has to fit on one line.
# A one-line `if` substitutes variables in its whole line before testing, so
# a plain `if ($?X) setenv PATH "$X"` fails when X is unset; the escaped \$
# defers the substitution to `eval`, which runs only when X exists. (`test
# $?X != 0 && ...` would avoid that too, but its failing `test` ends a shell
# run with -e.) :q keeps each saved value exactly as it was.
alias deactivate 'if ($?_OLD_VIRTUAL_PATH) eval setenv PATH \"\$_OLD_VIRTUAL_PATH:q\"; unset _OLD_VIRTUAL_PATH; if ($?_OLD_VIRTUAL_PYTHONHOME) eval setenv PYTHONHOME \"\$_OLD_VIRTUAL_PYTHONHOME:q\"; unset _OLD_VIRTUAL_PYTHONHOME; rehash; if ($?_OLD_VIRTUAL_PROMPT) eval set prompt=\"\$_OLD_VIRTUAL_PROMPT:q\"; unset _OLD_VIRTUAL_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; if ("\!:*" != "nondestructive") unalias deactivate pydoc'

# Leave whichever environment is active, keeping the alias just defined.
deactivate nondestructive

__VENV_LOCATE__

set _OLD_VIRTUAL_PATH="$PATH:q"
setenv PATH "${VIRTUAL_ENV:q}/"'__VENV_BIN_NAME__'":${PATH:q}"

__VENV_SET_PROMPT__

# A PYTHONHOME pointing elsewhere would make the environment's interpreter
# load another installation's standard library.
if ($?PYTHONHOME) then
    set _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME:q"
    unsetenv PYTHONHOME
endif

# Only an already set prompt is changed: csh scripts test $?prompt to tell
# an interactive shell from a script, and setting it would fool them.
set _venv_prefix_prompt=1
if ($?VIRTUAL_ENV_DISABLE_PROMPT) then
    if ("$VIRTUAL_ENV_DISABLE_PROMPT:q" != "") set _venv_prefix_prompt=0
endif
if ($_venv_prefix_prompt && $?prompt) then
    set _OLD_VIRTUAL_PROMPT="$prompt:q"
__VENV_SHOW_PROMPT__
endif
unset _venv_prefix_prompt

# `pydoc` has no script of its own in the environment.
alias pydoc python -m pydoc

rehash
__VENV_END__
