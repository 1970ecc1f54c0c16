function fish_prompt
    printf 'orig> '
end
var before_PATH PATH
source "$VENV/bin/activate.fish"
source "$VENV2/bin/activate.fish"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
rec prompt (fish_prompt)
deactivate nondestructive
var nd_PATH PATH
var nd_VIRTUAL_ENV VIRTUAL_ENV
var nd_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec nd_prompt (fish_prompt)
has_deactivate nd_deactivate
deactivate
var final_PATH PATH
rec final_prompt (fish_prompt)
has_deactivate final_deactivate
rec DONE
