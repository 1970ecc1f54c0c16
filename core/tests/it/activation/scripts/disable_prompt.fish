function fish_prompt
    printf 'orig> '
end
set -gx VIRTUAL_ENV_DISABLE_PROMPT 1
source "$VENV/bin/activate.fish"
rec disabled_prompt (fish_prompt)
var disabled_VIRTUAL_ENV VIRTUAL_ENV
deactivate
rec disabled_after_prompt (fish_prompt)
set -gx VIRTUAL_ENV_DISABLE_PROMPT ''
source "$VENV/bin/activate.fish"
rec empty_flag_prompt (fish_prompt)
deactivate
rec empty_flag_after_prompt (fish_prompt)
rec DONE
