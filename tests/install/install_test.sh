#!/usr/bin/env bash
# Installs runbook into a temporary prefix and uses it as a user would: the installed binary,
# a man page through man(1), the bash completion in a real bash (commands, flags, a run id and an
# -i input name), the zsh completion in a real zsh, and the schemas.
# Usage: tests/install/install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "install test: FAILED: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/runbook share/man/man1/runbook.1 share/man/man1/runbook-run.1 \
         share/man/man1/runbook-status.1 share/man/man1/runbook-test.1 \
         share/bash-completion/completions/runbook share/zsh/site-functions/_runbook \
         share/runbook/schemas/runbook.schema.json share/runbook/schemas/plan.schema.json \
         share/runbook/schemas/runbook-test.schema.json; do
  [ -e "$prefix/$f" ] || fail "$f was not installed"
done
pages=$(ls "$prefix/share/man/man1" | wc -l)
[ "$pages" -eq 9 ] || fail "expected 9 man pages (runbook and 8 commands), got $pages"

# The installed binary runs, from anywhere.
work=$prefix/work
mkdir -p "$work"
cp "$source_dir/examples/local-rollback.yaml" "$work/rb.yaml"
cd "$work"
"$prefix/bin/runbook" --version >/dev/null || fail "runbook --version"
"$prefix/bin/runbook" validate rb.yaml >/dev/null || fail "runbook validate"
export RUNBOOK_STATE_DIR=$work/state NO_COLOR=1
"$prefix/bin/runbook" run rb.yaml -q -i root="$work/demo" -i reset=true >/dev/null 2>&1 ||
  fail "runbook run with the installed binary"
run_id=$(ls "$work/state/runs")
[ -n "$run_id" ] || fail "no run recorded"

# man -l renders a page; it holds the option help the CLI prints.
export MANWIDTH=100
man_text=$(man -l "$prefix/share/man/man1/runbook-run.1" 2>&1) || fail "man -l runbook-run.1: $man_text"
grep -q "runbook-run - " <<<"$man_text" || fail "man page has no NAME line: $man_text"
grep -q -- "--inputs-file" <<<"$man_text" || fail "man page lacks --inputs-file"
help_line=$("$prefix/bin/runbook" run --help | grep -- "--inputs-file" | sed 's/.*TEXT *//')
grep -qF "$help_line" <<<"$man_text" || fail "man page and --help disagree on --inputs-file: '$help_line'"
grep -q "EXIT STATUS" <<<"$man_text" || fail "man page has no EXIT STATUS"
man -l "$prefix/share/man/man1/runbook.1" 2>&1 | grep -q "runbook-status(1)" ||
  fail "runbook(1) does not list runbook-status(1)"

# Bash completion, in a real bash: source the file, set COMP_WORDS/COMP_CWORD, call _runbook.
complete_in_bash() {  # WORD... (the last is the word being completed)
  PATH="$prefix/bin:$PATH" bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=(runbook "$@"); COMP_CWORD=$#
    _runbook
    printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/runbook" "$@"
}
expect() {  # WHAT EXPECTED_LINE OUTPUT
  grep -qxF -- "$2" <<<"$3" || fail "bash completion of $1: no '$2' in: $(echo $3)"
}
out=$(complete_in_bash "")
expect "a command" resume "$out"
expect "a command" validate "$out"
out=$(complete_in_bash st)
[ "$out" = status ] || fail "bash completion of 'st': '$out'"
out=$(complete_in_bash run --)
expect "a flag" --inputs-file "$out"
expect "a flag" --yes "$out"
out=$(complete_in_bash status --format "")
expect "a --format value" html "$out"
out=$(complete_in_bash status "")
expect "a run id" "$run_id" "$out"
out=$(complete_in_bash resume "${run_id:0:8}")
expect "a run id" "$run_id" "$out"
out=$(complete_in_bash run rb.yaml -i r)
expect "an input name" "reset=" "$out"
expect "an input name" "root=" "$out"
out=$(complete_in_bash run rb.yaml -i "")
expect "an input name" "flaky=" "$out"
out=$(complete_in_bash run r)
expect "a runbook file" rb.yaml "$out"

# zsh: the completion function runs in a real zsh, with compadd and _files stubbed to print what
# they are given (the completion system itself needs a terminal).
complete_in_zsh() {  # WORD... (the last is the word being completed)
  PATH="$prefix/bin:$PATH" zsh -f -c '
    compadd() { [[ $1 == -S ]] && shift 2; [[ $1 == -- ]] && shift; print -l -- "$@"; }
    _files() { print -- "_files $*"; }
    fpath=("$1" $fpath); autoload -Uz _runbook; shift
    words=(runbook "$@"); CURRENT=${#words}
    _runbook' _ "$prefix/share/zsh/site-functions" "$@"
}
if command -v zsh >/dev/null; then
  zsh -n "$prefix/share/zsh/site-functions/_runbook" || fail "zsh completion does not parse"
  out=$(complete_in_zsh re)
  [ "$out" = resume ] || fail "zsh completion of 're': '$out'"
  out=$(complete_in_zsh status "")
  grep -qxF "$run_id" <<<"$out" || fail "zsh completion of a run id: '$out'"
  out=$(complete_in_zsh run rb.yaml -i r)
  grep -qxF "reset=" <<<"$out" || fail "zsh completion of an input name: '$out'"
  out=$(complete_in_zsh run "")
  grep -qF "_files -g *.(yaml|yml)" <<<"$out" || fail "zsh completion of a runbook file: '$out'"
  shells="bash and zsh"
else
  shells="bash (zsh is not installed: its completion was not run)"
fi
echo "install test: installed into a temporary prefix; binary, $pages man pages, completion in $shells ok"
