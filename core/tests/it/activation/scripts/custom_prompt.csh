set prompt='orig> '
source "$VENV/bin/activate.csh"
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
deactivate
if ($?prompt) then
  printf '%s=%s\0' after_prompt "$prompt:q"
else
  printf '%s!\0' after_prompt
endif
printf 'DONE!\0'
