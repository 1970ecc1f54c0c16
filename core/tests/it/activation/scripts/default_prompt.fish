set -e PYTHONHOME
true; set p (fish_prompt); rec before_prompt "$p"
rec before_body (functions fish_prompt | string match -rv '^# Defined' | string join \n)
source "$VENV/bin/activate.fish"
true; set p (fish_prompt); rec prompt "$p"
deactivate
true; set p (fish_prompt); rec after_prompt "$p"
rec after_body (functions fish_prompt | string match -rv '^# Defined' | string join \n)
var after_PYTHONHOME PYTHONHOME
rec DONE
