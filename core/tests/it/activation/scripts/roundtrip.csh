set prompt="$INIT_PS1:q"
setenv PYTHONHOME "$INIT_PYTHONHOME:q"
if ($?PATH) then
  printf '%s=%s\0' before_PATH "$PATH:q"
else
  printf '%s!\0' before_PATH
endif
if ($?prompt) then
  printf '%s=%s\0' before_prompt "$prompt:q"
else
  printf '%s!\0' before_prompt
endif
if ($?PYTHONHOME) then
  printf '%s=%s\0' before_PYTHONHOME "$PYTHONHOME:q"
else
  printf '%s!\0' before_PYTHONHOME
endif
source "$VENV/bin/activate.csh"
if ($?PATH) then
  printf '%s=%s\0' PATH "$PATH:q"
else
  printf '%s!\0' PATH
endif
if ($?VIRTUAL_ENV) then
  printf '%s=%s\0' VIRTUAL_ENV "$VIRTUAL_ENV:q"
else
  printf '%s!\0' VIRTUAL_ENV
endif
if ($?VIRTUAL_ENV_PROMPT) then
  printf '%s=%s\0' VIRTUAL_ENV_PROMPT "$VIRTUAL_ENV_PROMPT:q"
else
  printf '%s!\0' VIRTUAL_ENV_PROMPT
endif
if ($?prompt) then
  printf '%s=%s\0' prompt "$prompt:q"
else
  printf '%s!\0' prompt
endif
if ($?PYTHONHOME) then
  printf '%s=%s\0' PYTHONHOME "$PYTHONHOME:q"
else
  printf '%s!\0' PYTHONHOME
endif
printf '%s=%s\0' python "`which python`"
python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>")))'
printf '%s=%s\0' pydoc "`alias pydoc`"
set _a="`alias deactivate`"
if ("$_a:q" != "") then
  printf '%s=present\0' active_deactivate
else
  printf '%s=absent\0' active_deactivate
endif
deactivate
if ($?PATH) then
  printf '%s=%s\0' after_PATH "$PATH:q"
else
  printf '%s!\0' after_PATH
endif
if ($?prompt) then
  printf '%s=%s\0' after_prompt "$prompt:q"
else
  printf '%s!\0' after_prompt
endif
if ($?PYTHONHOME) then
  printf '%s=%s\0' after_PYTHONHOME "$PYTHONHOME:q"
else
  printf '%s!\0' after_PYTHONHOME
endif
if ($?VIRTUAL_ENV) then
  printf '%s=%s\0' after_VIRTUAL_ENV "$VIRTUAL_ENV:q"
else
  printf '%s!\0' after_VIRTUAL_ENV
endif
if ($?VIRTUAL_ENV_PROMPT) then
  printf '%s=%s\0' after_VIRTUAL_ENV_PROMPT "$VIRTUAL_ENV_PROMPT:q"
else
  printf '%s!\0' after_VIRTUAL_ENV_PROMPT
endif
if ($?_OLD_VIRTUAL_PATH) then
  printf '%s=%s\0' leftover__OLD_VIRTUAL_PATH "$_OLD_VIRTUAL_PATH:q"
else
  printf '%s!\0' leftover__OLD_VIRTUAL_PATH
endif
if ($?_OLD_VIRTUAL_PROMPT) then
  printf '%s=%s\0' leftover__OLD_VIRTUAL_PROMPT "$_OLD_VIRTUAL_PROMPT:q"
else
  printf '%s!\0' leftover__OLD_VIRTUAL_PROMPT
endif
if ($?_OLD_VIRTUAL_PYTHONHOME) then
  printf '%s=%s\0' leftover__OLD_VIRTUAL_PYTHONHOME "$_OLD_VIRTUAL_PYTHONHOME:q"
else
  printf '%s!\0' leftover__OLD_VIRTUAL_PYTHONHOME
endif
set _a="`alias deactivate`"
if ("$_a:q" != "") then
  printf '%s=present\0' after_deactivate
else
  printf '%s=absent\0' after_deactivate
endif
printf '%s=%s\0' after_pydoc "`alias pydoc`"
printf 'DONE!\0'
