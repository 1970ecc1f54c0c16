# Activates a moved or copied environment ($VENV), uses python, pip and a
# console script pip installed, uninstalls it, deactivates.
printf '%s=%s\0' before_PATH "$PATH:q"
source "$VENV/bin/activate.csh"
printf '%s=%s\0' VIRTUAL_ENV "$VIRTUAL_ENV:q"
printf '%s=%s\0' VIRTUAL_ENV_PROMPT "$VIRTUAL_ENV_PROMPT:q"
printf '%s=%s\0' python "`which python`"
printf '%s=%s\0' prefix "`python -c 'import sys; print(sys.prefix)'`"
printf '%s=%s\0' pip "`pip --version`"
printf '%s=%s\0' script "`hello-venv`"
pip uninstall -y hello-venv >/dev/null
printf '%s=%s\0' uninstalled yes
rehash
set _found=`where hello-venv`
if ( "$_found" == "" ) then
    printf '%s=%s\0' script_after gone
else
    printf '%s=%s\0' script_after "$_found"
endif
deactivate
printf '%s=%s\0' after_PATH "$PATH:q"
if ($?VIRTUAL_ENV) then
    printf '%s=%s\0' after_VIRTUAL_ENV "$VIRTUAL_ENV:q"
else
    printf '%s!\0' after_VIRTUAL_ENV
endif
printf 'DONE!\0'
