# Use with `overlay use ENV/bin/activate.nu`; leave with `deactivate`, which
# is `overlay hide activate`.
#
# All changes happen inside the `activate` overlay, so hiding it brings back
# PATH, the prompt and PYTHONHOME exactly as they were; deactivate needs no
# code of its own.

export-env {
    # `overlay use` on an overlay that is already active keeps the changes
    # made in it, so a second activation would stack on the first. Put back
    # what the first one replaced before making our own changes.
    let earlier = ($env._VENV_ACTIVATE_STATE? | default null)
    if $earlier != null {
        load-env {($earlier.path_key): $earlier.path}
        if $earlier.had_prompt {
            $env.PROMPT_COMMAND = $earlier.prompt
        } else {
            hide-env -i PROMPT_COMMAND
        }
    }

__VENV_LOCATE__
    let bin_dir = ($venv_dir | path join "__VENV_BIN_NAME__")
__VENV_SET_PROMPT__

    # Windows spells it Path; keep whichever spelling the environment uses.
    let path_key = ($env | columns | where {|k| $k =~ "(?i)^path$" } | append "PATH" | first)
    let old_path = if $path_key in $env { $env | get $path_key } else { [] }
    let path_list = if ($old_path | describe) == "string" {
        $old_path | split row (char esep)
    } else {
        $old_path
    }

    let had_prompt = ("PROMPT_COMMAND" in $env)
    let old_prompt = ($env.PROMPT_COMMAND? | default null)

    # A record is never passed on to external commands, so this stays
    # private to the shell.
    $env._VENV_ACTIVATE_STATE = {
        path_key: $path_key
        path: $old_path
        had_prompt: $had_prompt
        prompt: $old_prompt
    }

    load-env {($path_key): ($path_list | prepend $bin_dir)}
    $env.VIRTUAL_ENV = $venv_dir
    $env.VIRTUAL_ENV_PROMPT = $prompt_text

    # A PYTHONHOME pointing elsewhere would make the environment's
    # interpreter load another installation's standard library. It is set to
    # null rather than hidden: child processes never see a null variable,
    # and `overlay hide` brings the old value back, whereas a `hide-env` in
    # an overlay outlives `overlay hide` when both run in one script
    # (nushell#15904).
    if "PYTHONHOME" in $env {
        $env.PYTHONHOME = null
    }

    # Any non-empty value disables the prefix, as in the other shells; a
    # nushell user may also write a bool, and `false` then has to mean no.
    let flag = ($env.VIRTUAL_ENV_DISABLE_PROMPT? | default "")
    let disable = if ($flag | describe) == "bool" { $flag } else { $flag | into string | is-not-empty }
    if not $disable {
        $env.PROMPT_COMMAND = {||
            # The old prompt may be a closure, a plain string or missing.
            let rest = match ($old_prompt | describe) {
                "closure" => (do $old_prompt)
                "nothing" => ""
                _ => ($old_prompt | into string)
            }
            $"\(($prompt_text)\) ($rest)"
        }
    }
}

export alias deactivate = overlay hide activate

# There is no pydoc script in the environment.
export alias pydoc = python -m pydoc
