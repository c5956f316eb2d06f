# need CMD...: the test goes on only when every CMD is listed in scripts/deps.list
# (at the level of the suite: test, or e2e in tests/e2e) and installed. Otherwise
# it fails and says which package is missing or that the list lacks the command:
# a test must never lean on a tool that only happens to be on the machine it ran
# on. A command no package of this distribution brings skips the script, saying so.
# Source after tests/cli/lib.sh (it uses ok/not_ok).
KFDO_DEPS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)/deps.sh
need() {
    local why rc
    why=$("$KFDO_DEPS" need "${KFDO_DEPS_LEVEL:-test}" "$@" 2>&1)
    rc=$?
    case $rc in
    0) return 0 ;;
    77) ok "$(basename "$0") needs $* # SKIP $why"; exit 0 ;;
    *) not_ok "$(basename "$0") has what it needs: $*" "$why"; exit 1 ;;
    esac
}
