rec() { if [ "$#" -ge 2 ]; then printf '%s=%s\0' "$1" "$2"; else printf '%s!\0' "$1"; fi; }
var() { eval "if [ -n \"\${$2+x}\" ]; then rec \"\$1\" \"\$$2\"; else rec \"\$1\"; fi"; }
has_deactivate() { if command -v deactivate >/dev/null 2>&1; then rec "$1" present; else rec "$1" absent; fi; }
