function rec
    if test (count $argv) -ge 2
        printf '%s=%s\0' $argv[1] $argv[2]
    else
        printf '%s!\0' $argv[1]
    end
end
# "$$name" joins PATH with ':' as the environment sees it.
function var
    if set -q $argv[2]
        rec $argv[1] "$$argv[2]"
    else
        rec $argv[1]
    end
end
function has_deactivate
    if functions -q deactivate
        rec $argv[1] present
    else
        rec $argv[1] absent
    end
end
