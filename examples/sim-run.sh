#!/usr/bin/env bash
# Runs one of the runbooks of runbooks/ against the simulated cluster of examples/sim, in one
# command: creates the cluster (sim init), puts the simulated juju, kubectl and curl first on
# PATH and runs `runbook run` with the inputs that fit the cluster.
#
#   examples/sim-run.sh NAME [--scenario S] [--faults F1,F2] [--no-init] [RUN-OPTIONS...]
#   examples/sim-run.sh resume [--approve] ...     continue a run paused at a confirm gate
#
#   NAME                            runbook and inputs                              scenario
#   mysql-k8s-rollback              -i revision=88                                  failed-upgrade
#   mysql-k8s-rollback-local        -i mode=local -i charm_path=... -i image=...    failed-upgrade
#   mysql-rollback                  -i revision=182                                 failed-upgrade
#   mysql-rollback-local            -i mode=local -i charm_path=...                 failed-upgrade
#   postgresql-k8s-rollback         -i revision=88                                  failed-upgrade
#   postgresql-k8s-rollback-local   -i mode=local -i charm_path=... -i image=...    failed-upgrade
#   postgresql-k8s-upgrade          (the latest revision of the tracked channel)    healthy
#   k8s-deployment-rollback         -i service=checkout -i reason=...               failed-upgrade
#   k8s-deployment-rollback-db      ... -i db_rollback=true -i migration_app=app -i migration_target=0002
#   fleet-juju-refresh              examples/: -i revision=154 -i poll=1s, models fleet-a..c   fleet
#   fleet-k8s-rollback              examples/: -i poll=1s, contexts prod-eu, prod-us, prod-ap  fleet
#
# --scenario and --faults go to `sim init` (see `examples/sim/bin/sim scenarios`); --no-init
# keeps the cluster as it is (e.g. to roll back after a failed upgrade). Everything else goes to
# `runbook run`: --yes approves every confirm gate, -i NAME=VALUE adds
# or overrides an input. Without --yes each gate asks on the terminal; without a terminal the
# run pauses (exit 3) and `examples/sim-run.sh resume --approve` continues it.
#
# The runbook binary is $RUNBOOK (default: build/runbook of this repository); the cluster lives
# in $SIM_STATE (default ${TMPDIR:-/tmp}/runbook-sim).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNBOOK=${RUNBOOK:-$repo/build/runbook}
export SIM_STATE=${SIM_STATE:-${TMPDIR:-/tmp}/runbook-sim}
export PATH="$repo/examples/sim/bin:$PATH"

usage() {
  sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

(($#)) || usage
name=$1
shift
case $name in -h | --help | help) usage ;; esac

if [[ ! -x $RUNBOOK ]] && ! command -v "$RUNBOOK" >/dev/null 2>&1; then
  printf 'sim-run: no runbook binary at %s\n' "$RUNBOOK" >&2
  printf 'build it first (scripts/bootstrap.sh), or set RUNBOOK=/path/to/runbook\n' >&2
  exit 2
fi

if [[ $name == resume ]]; then
  printf '+ %s resume %s\n' "$RUNBOOK" "$*" >&2
  exec "$RUNBOOK" resume "$@"
fi

scenario=failed-upgrade
dir=runbooks
charms="$SIM_STATE/charms"
case $name in
  mysql-k8s-rollback)
    file=mysql-k8s-rollback
    inputs=(-i revision=88) ;;
  mysql-k8s-rollback-local)
    file=mysql-k8s-rollback
    inputs=(-i mode=local -i "charm_path=$charms/mysql-k8s_ubuntu-22.04-amd64.charm"
      -i image=ghcr.io/canonical/charmed-mysql@sha256:753477ce39712221f008955b746fcf01a215785a215fe3de56f525380d14ad97) ;;
  mysql-rollback)
    file=mysql-rollback
    inputs=(-i revision=182) ;;
  mysql-rollback-local)
    file=mysql-rollback
    inputs=(-i mode=local -i "charm_path=$charms/mysql_ubuntu-22.04-amd64.charm") ;;
  postgresql-k8s-rollback)
    file=postgresql-k8s-rollback
    inputs=(-i revision=88) ;;
  postgresql-k8s-rollback-local)
    file=postgresql-k8s-rollback
    inputs=(-i mode=local -i "charm_path=$charms/postgresql-k8s_ubuntu-22.04-amd64.charm"
      -i image=ghcr.io/canonical/charmed-postgresql:797a2132) ;;
  postgresql-k8s-upgrade)
    file=postgresql-k8s-upgrade
    scenario=healthy
    inputs=() ;;
  k8s-deployment-rollback)
    file=k8s-deployment-rollback
    inputs=(-i service=checkout -i "reason=error rate above 5% since checkout 2.4.0") ;;
  k8s-deployment-rollback-db)
    file=k8s-deployment-rollback
    inputs=(-i service=checkout -i "reason=error rate above 5% since checkout 2.4.0"
      -i db_rollback=true -i migration_app=app -i migration_target=0002) ;;
  fleet-juju-refresh)
    dir=examples file=fleet-juju-refresh scenario=fleet
    inputs=(-i revision=154 -i poll=1s) ;;
  fleet-k8s-rollback)
    dir=examples file=fleet-k8s-rollback scenario=fleet
    inputs=(-i poll=1s) ;;
  *)
    printf 'sim-run: unknown runbook "%s"\n\n' "$name" >&2
    usage ;;
esac

init=1
faults=""
args=()
while (($#)); do
  case $1 in
    --scenario) scenario=${2:?--scenario needs a name}; shift ;;
    --scenario=*) scenario=${1#*=} ;;
    --faults) faults=${2:?--faults needs a list}; shift ;;
    --faults=*) faults=${1#*=} ;;
    --no-init) init=0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

if ((init)); then
  sim init --scenario "$scenario" ${faults:+--faults "$faults"} >/dev/null
  printf 'simulated cluster: scenario %s%s, in %s\n' "$scenario" "${faults:+, faults $faults}" "$SIM_STATE" >&2
elif [[ -n $faults ]]; then
  sim faults "$faults" >/dev/null
fi

printf '+ PATH=%s:$PATH\n' "$repo/examples/sim/bin" >&2
printf '+ %s run %s' "$RUNBOOK" "$dir/$file.yaml" >&2
printf ' %q' "${inputs[@]+"${inputs[@]}"}" "${args[@]+"${args[@]}"}" >&2
printf '\n\n' >&2

status=0
"$RUNBOOK" run "$repo/$dir/$file.yaml" "${inputs[@]+"${inputs[@]}"}" "${args[@]+"${args[@]}"}" || status=$?
if ((status == 3)); then
  printf '\npaused at a confirm gate: continue with  examples/sim-run.sh resume --approve\n' >&2
fi
printf 'the cluster now: examples/sim/bin/sim show   (commands it answered: sim log)\n' >&2
exit "$status"
