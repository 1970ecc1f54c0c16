hide-env -i PROMPT_COMMAND
overlay use "@VENV@/bin/activate.nu"
rec missing_prompt (prompt-text)
deactivate
rec missing_after_prompt (prompt-text)

$env.PROMPT_COMMAND = "orig> "
overlay use "@VENV@/bin/activate.nu"
rec string_prompt (prompt-text)
deactivate
rec string_after_prompt (prompt-text)
rec string_after_type ($env.PROMPT_COMMAND | describe)

$env.VIRTUAL_ENV_DISABLE_PROMPT = "1"
overlay use "@VENV@/bin/activate.nu"
rec disabled_prompt (prompt-text)
var disabled_VIRTUAL_ENV VIRTUAL_ENV
deactivate
rec disabled_after_prompt (prompt-text)

$env.VIRTUAL_ENV_DISABLE_PROMPT = ""
overlay use "@VENV@/bin/activate.nu"
rec empty_flag_prompt (prompt-text)
deactivate
rec empty_flag_after_prompt (prompt-text)

$env.VIRTUAL_ENV_DISABLE_PROMPT = true
overlay use "@VENV@/bin/activate.nu"
rec true_flag_prompt (prompt-text)
deactivate
$env.VIRTUAL_ENV_DISABLE_PROMPT = false
overlay use "@VENV@/bin/activate.nu"
rec false_flag_prompt (prompt-text)
deactivate
rec DONE ""
