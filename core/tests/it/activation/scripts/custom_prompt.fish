function fish_prompt
    printf 'orig> '
end
source "$VENV/bin/activate.fish"
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec prompt (fish_prompt)
deactivate
rec after_prompt (fish_prompt)
rec DONE
