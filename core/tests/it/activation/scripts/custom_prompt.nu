$env.PROMPT_COMMAND = {|| "orig> " }
overlay use "@VENV@/bin/activate.nu"
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec prompt (prompt-text)
deactivate
rec after_prompt (prompt-text)
rec DONE ""
