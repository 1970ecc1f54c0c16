# Load with `source ENV/bin/activate.fish` from fish. Running it as a program
# would only change a child process, so it has to be sourced.
#
# The saved copies below are global but not exported: a fish started from
# this one must not see them and try to "restore" state it never had.

function deactivate --description 'Leave the Python virtual environment'
    # Whether a saved copy exists (not whether it is empty) decides, so an
    # empty value comes back empty.
    if set -q _OLD_VIRTUAL_PATH
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if set -q _OLD_VIRTUAL_PYTHONHOME
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end

    if set -q _OLD_FISH_PROMPT_OVERRIDE
        set -e _OLD_FISH_PROMPT_OVERRIDE
        functions -e fish_prompt
        # There may have been no prompt function to keep (a nested fish
        # that inherited state, or a user who erased it).
        if functions -q _old_fish_prompt
            functions -c _old_fish_prompt fish_prompt
            functions -e _old_fish_prompt
        end
        functions -e __venv_return
    end

    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT

    if test "$argv[1]" != nondestructive
        functions -e deactivate
    end
end

# Leave whichever environment is active, keeping the function just defined.
deactivate nondestructive

__VENV_LOCATE__

set -g _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/"'__VENV_BIN_NAME__' $PATH

__VENV_SET_PROMPT__

# A PYTHONHOME pointing elsewhere would make the environment's interpreter
# load another installation's standard library.
if set -q PYTHONHOME
    set -g _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    # fish draws the prompt by calling fish_prompt, so the old function is
    # kept under another name and called after our prefix.
    if functions -q fish_prompt
        functions -c fish_prompt _old_fish_prompt
    end

    # Prompts often show the previous command's $status; printing our prefix
    # would reset it, so it is handed back through a function's return.
    function __venv_return --description 'Exit with the given status'
        return $argv[1]
    end

    function fish_prompt --description 'Prefix the prompt with the virtual environment'
        set -l saved_status $status
        # set_color on its own line: where it prints nothing (TERM=dumb) an
        # unquoted (set_color) argument would vanish and shift the others.
        set_color 4B8BBE
__VENV_SHOW_PROMPT__
        set_color normal
        printf ' '
        if functions -q _old_fish_prompt
            __venv_return $saved_status
            _old_fish_prompt
        end
    end

    set -g _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
