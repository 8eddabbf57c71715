# bash completion for runbook: commands, flags, runbook files, run ids and -i input names.
# Installed as share/bash-completion/completions/runbook; or: source completion/runbook.bash
# Everything is asked of runbook itself (`runbook __complete WORD... CURRENT`), so it follows the
# CLI, the state folder and the runbook on the command line.
_runbook() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local line IFS=$'\n'
  local -a lines
  COMPREPLY=()
  # -i NAME=VALUE: bash splits the word at '='; complete the NAME part only.
  if [[ $cur == "=" || ${COMP_WORDS[COMP_CWORD - 1]} == "=" ]]; then
    return 0
  fi
  lines=($(command "${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  for line in "${lines[@]}"; do
    case $line in
      :nospace) compopt -o nospace 2>/dev/null ;;
      :yaml)
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
        ;;
      :files)
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -f -- "$cur"))
        ;;
      :dirs)
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -d -- "$cur"))
        ;;
      *) COMPREPLY+=("$line") ;;
    esac
  done
  return 0
}
# extglob for the *.@(yaml|yml) pattern above.
shopt -s extglob
complete -F _runbook runbook
