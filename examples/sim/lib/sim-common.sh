# shellcheck shell=bash
# Shared helpers of the simulated cluster (juju, kubectl, curl, sim). Sourced, not run.
#
# State lives in plain files under $SIM_STATE (default ${TMPDIR:-/tmp}/runbook-sim), one value
# per file, so `sim show`, `cat` and `find` are enough to see what is going on. Nothing here
# reads the clock or a random source: the same commands on the same state print the same text.

SIM_STATE="${SIM_STATE:-${TMPDIR:-/tmp}/runbook-sim}"
SIM_SETTLE_POLLS="${SIM_SETTLE_POLLS:-2}"
SIM_MARKER=".runbook-sim"
# shellcheck disable=SC2034 # used by the scripts that source this file
SIM_SINCE="23 Nov 2023 12:00:00Z"

sim_fail() {
  printf '%s\n' "$*" >&2
  exit 1
}

# Refuses to run before `sim init`, then takes the state lock for the rest of the command, so
# two simulated commands never interleave their updates.
sim_require_state() {
  if [[ ! -f $SIM_STATE/$SIM_MARKER ]]; then
    printf '%s: no simulated cluster at %s\n' "${0##*/}" "$SIM_STATE" >&2
    printf 'create one with: %s/sim init   (or set SIM_STATE)\n' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../bin" && pwd)" >&2
    exit 1
  fi
  if [[ -z ${SIM_LOCK_HELD-} ]] && command -v flock >/dev/null 2>&1; then
    exec 9>"$SIM_STATE/.lock"
    flock 9
    export SIM_LOCK_HELD=1 # commands this one runs share the lock
  fi
}

# Appends the command line, shell-quoted, to the audit log that `sim log` prints.
sim_record() {
  [[ -n ${SIM_NO_RECORD-} ]] && return 0
  local line
  printf -v line '%q ' "$@"
  printf '%s\n' "${line% }" >>"$SIM_STATE/commands.log"
}

# rd FILE [DEFAULT]: the file's content (without the final newline), or DEFAULT.
rd() {
  if [[ -f $1 ]]; then
    local v
    v=$(<"$1")
    printf '%s' "$v"
  else
    printf '%s' "${2-}"
  fi
}

# wr FILE VALUE
wr() {
  printf '%s\n' "$2" >"$1"
}

# A counter kept in the state: prints the next value (1, 2, ...).
sim_next() {
  local f="$SIM_STATE/counters/$1" n
  n=$(rd "$f" 0)
  n=$((n + 1))
  wr "$f" "$n"
  printf '%s' "$n"
}

# Faults are injected with SIM_FAULTS=a,b (read at every command) or `sim faults a,b` /
# `sim init --faults a,b` (kept in the state). FAULT@WHERE holds only in the Juju model or
# kubectl context WHERE (SIM_WHERE, set by juju and kubectl to the one a command acts on).
sim_fault() {
  local all
  all=",${SIM_FAULTS:-},$(rd "$SIM_STATE/faults"),"
  all=${all// /}
  [[ $all == *",$1,"* ]] || [[ -n ${SIM_WHERE-} && $all == *",$1@$SIM_WHERE,"* ]]
}

# Simulated time: advances by one tick each time the cluster is observed (juju status,
# kubectl get/rollout status). Used for log timestamps only.
sim_tick_clock() {
  sim_next tick >/dev/null
}
sim_clock() {
  local t
  t=$(rd "$SIM_STATE/counters/tick" 0)
  printf '12:%02d:%02d' $(((t * 10 / 60) % 60)) $(((t * 10) % 60))
}

json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}
