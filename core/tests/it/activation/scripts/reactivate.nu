$env.PROMPT_COMMAND = {|| "orig> " }
var before_PATH PATH
overlay use "@VENV@/bin/activate.nu"
overlay use "@VENV2@/bin/activate.nu"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
rec prompt (prompt-text)
deactivate
var final_PATH PATH
rec final_prompt (prompt-text)
var final_VIRTUAL_ENV VIRTUAL_ENV
rec DONE ""
