def rec [label: string, value: string] { print -n $"($label)=($value)(char nul)" }
def unset-rec [label: string] { print -n $"($label)!(char nul)" }
# Values are recorded as a child process sees them: lists (PATH) joined,
# null (how activate.nu unsets PYTHONHOME) as unset.
def var [label: string, name: string] {
    let v = if $name in $env { $env | get $name } else { null }
    if $v != null {
        if ($v | describe) =~ "^list" {
            rec $label ($v | str join (char esep))
        } else {
            rec $label ($v | into string)
        }
    } else {
        unset-rec $label
    }
}
def prompt-text [] {
    if "PROMPT_COMMAND" in $env {
        let p = $env.PROMPT_COMMAND
        if ($p | describe) == "closure" { do $p } else { $p | into string }
    } else {
        "<no PROMPT_COMMAND>"
    }
}
def overlay-active [label: string] {
    rec $label (if (overlay list | where {|o| $o.name == "activate" and $o.active } | is-empty) { "no" } else { "yes" })
}
