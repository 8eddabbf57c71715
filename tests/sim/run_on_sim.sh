#!/usr/bin/env bash
# Runs one runbook of runbooks/ against the simulated cluster (examples/sim) in one situation and
# checks how it ends: the exit code, what it printed and which commands reached the cluster.
#
#   tests/sim/run_on_sim.sh SCENARIO      (RUNBOOK: the binary, default build/runbook)
#   tests/sim/run_on_sim.sh --list        the scenarios
#
# Each scenario gets its own cluster and state directory (both temporary).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export RUNBOOK=${RUNBOOK:-$repo/build/runbook}
SCENARIOS="mysql-k8s-rollback mysql-k8s-rollback-slow-actions mysql-k8s-rollback-unit-blocked
mysql-rollback postgresql-k8s-rollback postgresql-k8s-rollback-leader-next postgresql-k8s-upgrade
postgresql-k8s-upgrade-pre-check-fails postgresql-k8s-upgrade-pre-check-once
postgresql-k8s-rollback-missing-action k8s-deployment-rollback
mysql-k8s-rollback-upgrade-started-at-gate fleet-juju-refresh fleet-juju-refresh-one-model-fails
fleet-k8s-rollback fleet-k8s-rollback-one-cluster-fails fleet-k8s-rollback-skips-rolled-back"

if [[ ${1-} == --list ]]; then
  printf '%s\n' $SCENARIOS
  exit 0
fi
scenario=${1:?usage: run_on_sim.sh SCENARIO (--list for the scenarios)}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runbook-on-sim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SIM_STATE=$tmp/cluster RUNBOOK_STATE_DIR=$tmp/state SIM_SETTLE_POLLS=1
export PATH="$repo/examples/sim/bin:$PATH"
unset SIM_FAULTS
out=$tmp/out.log

fail() {
  printf 'FAIL %s: %s\n' "$scenario" "$*" >&2
  printf '%s\n' '--- runbook output (last 60 lines)' >&2
  tail -n 60 "$out" >&2 || true
  printf '%s\n' '--- commands the cluster answered' >&2
  cat "$SIM_STATE/commands.log" >&2 || true
  exit 1
}

# run NAME [SIM-RUN ARGS...]: examples/sim-run.sh, its exit code in $rc.
run() {
  rc=0
  "$repo/examples/sim-run.sh" "$@" --yes >"$out" 2>&1 || rc=$?
}
expect_rc() { [[ $rc == "$1" ]] || fail "exit code $rc, expected $1"; }
printed() { grep -qF -- "$1" "$out" || fail "the output lacks: $1"; }
sent() { grep -qE -- "$1" "$SIM_STATE/commands.log" || fail "no command matching /$1/ reached the cluster"; }
not_sent() { ! grep -qE -- "$1" "$SIM_STATE/commands.log" || fail "a command matching /$1/ reached the cluster"; }
# in_order RE1 RE2: the first command matching RE1 came before the first matching RE2.
in_order() {
  local a b
  a=$(grep -nE -- "$1" "$SIM_STATE/commands.log" | head -n1 | cut -d: -f1)
  b=$(grep -nE -- "$2" "$SIM_STATE/commands.log" | head -n1 | cut -d: -f1)
  [[ -n $a && -n $b && $a -lt $b ]] || fail "expected /$1/ (line ${a:-none}) before /$2/ (line ${b:-none})"
}

case $scenario in
  mysql-k8s-rollback-upgrade-started-at-gate)
    # Resuming safely: the run pauses at its approval gate (no terminal, no --yes) ...
    rc=0
    "$repo/examples/sim-run.sh" mysql-k8s-rollback </dev/null >"$out" 2>&1 || rc=$?
    expect_rc 3
    printed "waiting for approval"
    # ... while it waits, the cluster moves into a running upgrade ...
    sim init --scenario upgrade-running >/dev/null
    # ... and resume --approve looks at the cluster again: the guide's "do NOT roll back during
    # the running upgrade" check now fails, before anything changes the cluster.
    rc=0
    "$repo/examples/sim-run.sh" resume --approve </dev/null >"$out" 2>&1 || rc=$?
    expect_rc 1
    printed "is still upgrading"
    sent "juju status mysql-k8s --format json"
    not_sent "pre-upgrade-check"
    not_sent "juju refresh"
    ;;
  mysql-k8s-rollback)
    run mysql-k8s-rollback
    expect_rc 0
    # Actions run with --format json and the step's wait; no get-primary (the charm lacks it).
    sent '^juju run mysql-k8s/leader pre-upgrade-check --format json --wait=10m$'
    in_order 'pre-upgrade-check' '^juju refresh mysql-k8s --revision=88'
    in_order '^juju refresh' 'resume-upgrade'
    sent 'get-cluster-status --format json'
    not_sent 'get-primary'
    printed 'primary mysql-k8s-0.mysql-k8s-endpoints:3306'
    ;;
  mysql-k8s-rollback-slow-actions)
    # Actions longer than juju's default 60 s wait: the runbook's --wait covers them.
    run mysql-k8s-rollback --faults slow-actions
    expect_rc 0
    ;;
  mysql-k8s-rollback-unit-blocked)
    run mysql-k8s-rollback --faults unit-blocked
    expect_rc 1
    printed 'mysql-k8s/2 is blocked (upgrade failed. Check logs for rollback instruction)'
    not_sent 'resume-upgrade'
    ;;
  mysql-rollback)
    run mysql-rollback
    expect_rc 0
    # Units 0, 2 and 3, leader 2: non-leaders from the highest down, then the leader.
    # (The steps of the shared procedure, lib/juju-charm-rollback.yaml, under its include step.)
    order=$(grep -oE '^ *> rollback/roll-(units|leader)\[[0-9]+\]  Roll back (the leader )?mysql/[0-9]+' "$out" | grep -oE 'mysql/[0-9]+' | tr '\n' ' ')
    [[ $order == 'mysql/3 mysql/0 mysql/2 ' ]] || fail "units rolled in the order $order, expected mysql/3 mysql/0 mysql/2"
    not_sent 'resume-upgrade'
    not_sent 'get-primary'
    ;;
  postgresql-k8s-rollback)
    run postgresql-k8s-rollback
    expect_rc 0
    in_order '^juju refresh postgresql-k8s' 'resume-upgrade --format json --wait=5m'
    sent 'get-primary --format json --wait=5m'
    printed 'primary postgresql-k8s/0'
    ;;
  postgresql-k8s-rollback-leader-next)
    # The leader is the next pod to restart: resume-upgrade fails ("action terminated") although
    # the rollout moves on, as the charms' tests expect; the runbook checks the rollout instead.
    "$repo/examples/sim/bin/sim" init >/dev/null
    printf '1\n' >"$SIM_STATE/juju/apps/postgresql-k8s/leader"
    printf '1\n' >"$SIM_STATE/juju/apps/postgresql-k8s/primary"
    run postgresql-k8s-rollback --no-init
    expect_rc 0
    printed '"message":"action terminated"'
    printed 'ok rollback/resumed'
    ;;
  postgresql-k8s-rollback-missing-action)
    # The PostgreSQL runbook pointed at a MySQL application: its get-primary action does not
    # exist there; juju exits 0 with nothing on stdout, and the runbook says why it stops.
    run postgresql-k8s-rollback -i app=mysql-k8s
    expect_rc 1
    printed 'get-primary gave no primary: Operation'
    printed 'action "get-primary" not defined on unit "mysql-k8s/0"'
    ;;
  postgresql-k8s-upgrade)
    run postgresql-k8s-upgrade
    expect_rc 0
    in_order 'pre-upgrade-check' '^juju refresh postgresql-k8s --channel 14/stable --trust'
    in_order '^juju refresh' 'resume-upgrade'
    printed 'is upgraded from revision 145 to 154'
    ;;
  postgresql-k8s-upgrade-pre-check-fails)
    # juju exits 0 on the failed action: the runbook stops on the task's status, before any refresh.
    run postgresql-k8s-upgrade --faults pre-check-fails
    expect_rc 1
    printed 'pre-upgrade-check did not complete on postgresql-k8s/leader: failed: Pre-upgrade check failed and cannot safely upgrade.'
    not_sent '^juju refresh'
    [[ $(grep -c 'pre-upgrade-check' "$SIM_STATE/commands.log") == 2 ]] || fail "expected two pre-upgrade-check runs"
    ;;
  postgresql-k8s-upgrade-pre-check-once)
    # The charm's first pre-upgrade-check asks to be run again; the second passes.
    run postgresql-k8s-upgrade --faults pre-check-once
    expect_rc 0
    [[ $(grep -c 'pre-upgrade-check' "$SIM_STATE/commands.log") == 2 ]] || fail "expected two pre-upgrade-check runs"
    printed 'needs to be a synchronous standby'
    in_order 'pre-upgrade-check' '^juju refresh'
    ;;
  k8s-deployment-rollback)
    run k8s-deployment-rollback
    expect_rc 0
    in_order '^kubectl rollout undo' '^kubectl rollout status'
    printed 'registry.example.com/checkout:2.3.1'
    ;;
  # The fleet examples (examples/fleet-*.yaml). Whether their items run one after another or
  # side by side, the same models and clusters end changed: the one that fails is the last one.
  fleet-juju-refresh)
    run fleet-juju-refresh
    expect_rc 0
    for m in fleet-a fleet-b fleet-c; do
      sent "^juju run -m $m postgresql-k8s/leader pre-upgrade-check --format json --wait=10m$"
      in_order "^juju run -m $m postgresql-k8s/leader pre-upgrade-check" "^juju refresh -m $m postgresql-k8s --revision=154"
      in_order "^juju refresh -m $m " "^juju run -m $m postgresql-k8s/leader resume-upgrade"
      juju status -m "$m" postgresql-k8s --format json | grep -qF '"charm-rev":154' || fail "$m is not on revision 154"
    done
    # The model the client points at (juju switch) was never used nor changed.
    not_sent '^juju (status|run|refresh) (postgresql|mysql)'
    [[ $(juju switch) == sim:admin/sim ]] || fail "the current model changed: $(juju switch)"
    printed 'postgresql-k8s is on revision 154 in 3 models: fleet-a, fleet-b, fleet-c'
    ;;
  fleet-juju-refresh-one-model-fails)
    run fleet-juju-refresh --faults unit-blocked@fleet-c
    expect_rc 1
    for m in fleet-a fleet-b; do
      juju status -m "$m" postgresql-k8s --format json | grep -qF '"application-status":{"current":"active"' ||
        fail "$m is not active"
    done
    juju status -m fleet-c postgresql-k8s --format json | grep -qF '"application-status":{"current":"blocked"' ||
      fail "fleet-c is not blocked"
    # fleet-c stops at its first unit: no resume-upgrade there.
    sent '^juju refresh -m fleet-c postgresql-k8s --revision=154'
    not_sent '^juju run -m fleet-c postgresql-k8s/leader resume-upgrade'
    printed 'The refresh stopped.'
    ;;
  fleet-k8s-rollback)
    run fleet-k8s-rollback
    expect_rc 0
    for c in prod-eu prod-us prod-ap; do
      in_order "^kubectl --context $c rollout undo" "^kubectl --context $c rollout status"
      [[ $(kubectl --context "$c" get deployment checkout -n production -o jsonpath='{.spec.template.spec.containers[0].image}') == \
        registry.example.com/checkout:2.3.1 ]] || fail "$c does not run 2.3.1"
    done
    not_sent '^kubectl (rollout|get)'  # every command names its context
    [[ $(kubectl config current-context) == sim ]] || fail "the current context changed"
    ;;
  fleet-k8s-rollback-one-cluster-fails)
    run fleet-k8s-rollback --faults rollout-stuck@prod-ap
    expect_rc 1
    sent '^kubectl --context prod-ap rollout undo'
    for c in prod-eu prod-us; do
      sent "^kubectl --context $c rollout status"
      [[ $(kubectl --context "$c" get deployment checkout -n production -o jsonpath='{.spec.template.spec.containers[0].image}') == \
        registry.example.com/checkout:2.3.1 ]] || fail "$c does not run 2.3.1"
    done
    printed 'The rollback stopped.'
    ;;
  fleet-k8s-rollback-skips-rolled-back)
    # prod-us was rolled back by hand already: the runbook leaves it alone.
    sim init --scenario fleet >/dev/null
    kubectl --context prod-us rollout undo deployment/checkout -n production >/dev/null
    : >"$SIM_STATE/commands.log"
    run fleet-k8s-rollback --no-init
    expect_rc 0
    sent '^kubectl --context prod-eu rollout undo'
    sent '^kubectl --context prod-ap rollout undo'
    not_sent '^kubectl --context prod-us rollout'
    ;;
  *)
    printf 'run_on_sim: unknown scenario %s (--list)\n' "$scenario" >&2
    exit 2
    ;;
esac
printf 'ok %s\n' "$scenario"
