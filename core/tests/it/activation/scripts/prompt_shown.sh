PS1='orig> '
. "$VENV/bin/activate"
var PS1 PS1
rec shown "$(show_prompt)"
deactivate
var after_PS1 PS1
if [ -n "${ZSH_VERSION-}" ]; then
    setopt promptsubst
    . "$VENV/bin/activate"
    rec subst_shown "$(show_prompt)"
    deactivate
fi
rec DONE
