unset prompt
source "$VENV/bin/activate.csh"
if ($?prompt) then
  printf '%s=%s\0' unset_prompt "$prompt:q"
else
  printf '%s!\0' unset_prompt
endif
if ($?VIRTUAL_ENV) then
  printf '%s=%s\0' unset_VIRTUAL_ENV "$VIRTUAL_ENV:q"
else
  printf '%s!\0' unset_VIRTUAL_ENV
endif
deactivate
if ($?prompt) then
  printf '%s=%s\0' unset_after_prompt "$prompt:q"
else
  printf '%s!\0' unset_after_prompt
endif
set prompt='orig> '
setenv VIRTUAL_ENV_DISABLE_PROMPT 1
source "$VENV/bin/activate.csh"
if ($?prompt) then
  printf '%s=%s\0' disabled_prompt "$prompt:q"
else
  printf '%s!\0' disabled_prompt
endif
deactivate
if ($?prompt) then
  printf '%s=%s\0' disabled_after_prompt "$prompt:q"
else
  printf '%s!\0' disabled_after_prompt
endif
setenv VIRTUAL_ENV_DISABLE_PROMPT ''
source "$VENV/bin/activate.csh"
if ($?prompt) then
  printf '%s=%s\0' empty_flag_prompt "$prompt:q"
else
  printf '%s!\0' empty_flag_prompt
endif
deactivate
if ($?prompt) then
  printf '%s=%s\0' empty_flag_after_prompt "$prompt:q"
else
  printf '%s!\0' empty_flag_after_prompt
endif
printf 'DONE!\0'
