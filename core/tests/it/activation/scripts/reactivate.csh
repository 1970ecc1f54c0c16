set prompt='orig> '
if ($?PATH) then
  printf '%s=%s\0' before_PATH "$PATH:q"
else
  printf '%s!\0' before_PATH
endif
source "$VENV/bin/activate.csh"
source "$VENV2/bin/activate.csh"
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
if ($?prompt) then
  printf '%s=%s\0' prompt "$prompt:q"
else
  printf '%s!\0' prompt
endif
deactivate nondestructive
if ($?PATH) then
  printf '%s=%s\0' nd_PATH "$PATH:q"
else
  printf '%s!\0' nd_PATH
endif
if ($?prompt) then
  printf '%s=%s\0' nd_prompt "$prompt:q"
else
  printf '%s!\0' nd_prompt
endif
if ($?VIRTUAL_ENV) then
  printf '%s=%s\0' nd_VIRTUAL_ENV "$VIRTUAL_ENV:q"
else
  printf '%s!\0' nd_VIRTUAL_ENV
endif
if ($?VIRTUAL_ENV_PROMPT) then
  printf '%s=%s\0' nd_VIRTUAL_ENV_PROMPT "$VIRTUAL_ENV_PROMPT:q"
else
  printf '%s!\0' nd_VIRTUAL_ENV_PROMPT
endif
set _a="`alias deactivate`"
if ("$_a:q" != "") then
  printf '%s=present\0' nd_deactivate
else
  printf '%s=absent\0' nd_deactivate
endif
deactivate
if ($?PATH) then
  printf '%s=%s\0' final_PATH "$PATH:q"
else
  printf '%s!\0' final_PATH
endif
if ($?prompt) then
  printf '%s=%s\0' final_prompt "$prompt:q"
else
  printf '%s!\0' final_prompt
endif
set _a="`alias deactivate`"
if ("$_a:q" != "") then
  printf '%s=present\0' final_deactivate
else
  printf '%s=absent\0' final_deactivate
endif
printf 'DONE!\0'
