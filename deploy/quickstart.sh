#!/usr/bin/env bash
# One command to a running refundbot on a fresh Debian 12 machine: installs what is missing,
# builds, starts an embedded PostgreSQL whose data persists under ./var/ (reused next time,
# never wiped), applies migrations and runs `refundbot serve` on 127.0.0.1:8080 in sandbox mode:
# the offline reasoner, simulated refunds, and a Slack played by refundbot itself, shown in the
# review console at http://127.0.0.1:8080/sandbox. It then sends the sample requests in
# deploy/samples/ through the real signed endpoints and prints where each one ended.
# Ctrl-C stops the service and PostgreSQL cleanly; running it again picks up where it left off.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/deploy/install-deps.sh"

build=${REFUNDBOT_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target refundbot

mkdir -p "$root/var"
pgdata="$root/var/pg/data"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$root/var" 2>/dev/null; then
    # As root the cluster runs as `postgres`, which cannot enter this checkout (e.g. under
    # /root). Keep the data where it can, linked from ./var/pg so it still lives "here".
    store="/var/lib/refundbot-quickstart/$(echo -n "$root" | sha256sum | cut -c1-12)"
    mkdir -p "$store"
    chmod 755 /var/lib/refundbot-quickstart "$store"
    [ -e "$root/var/pg" ] || ln -s "$store" "$root/var/pg"
    echo "quickstart: PostgreSQL data in $store (linked from var/pg)"
fi
mkdir -p "$(dirname "$pgdata")"
if [ "$(id -u)" -eq 0 ]; then chmod 755 "$(dirname "$pgdata")"; fi

refundbot_pid=""
stop_all() {
    trap - EXIT INT TERM
    if [ -n "$refundbot_pid" ] && kill -0 "$refundbot_pid" 2>/dev/null; then
        kill -TERM "$refundbot_pid" 2>/dev/null || true
        wait "$refundbot_pid" 2>/dev/null || true
    fi
    "$root/deploy/pg-cluster.sh" stop "$pgdata" || true
    echo "quickstart: stopped (data kept in var/)"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

port=$("$root/deploy/pg-cluster.sh" start "$pgdata")
echo "quickstart: PostgreSQL on 127.0.0.1:$port (data: var/pg/data)"

export REFUNDBOT_DB_URL="postgresql://refundbot@127.0.0.1:$port/refundbot"
export REFUNDBOT_CONFIG="$root/deploy/sandbox.toml"
# Local signing secrets for the intake and the Stripe webhook, made once and kept with the data.
new_secret() {
    [ -s "$1" ] || (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1")
}
new_secret "$root/var/intake-signing-secret"
new_secret "$root/var/stripe-webhook-secret"
export REFUNDBOT_INTAKE_SIGNING_SECRET_FILE="$root/var/intake-signing-secret"
export REFUNDBOT_STRIPE_WEBHOOK_SECRET_FILE="$root/var/stripe-webhook-secret"
PG_BIN_DIR=${PG_BIN:-/usr/lib/postgresql/15/bin}
"$build/bot/refundbot" migrate

"$build/bot/refundbot" serve &
refundbot_pid=$!

for _ in $(seq 1 100); do
    curl -sf -o /dev/null http://127.0.0.1:8080/readyz && break
    kill -0 "$refundbot_pid" 2>/dev/null || break
    sleep 0.1
done

# The sample traffic: the seed's cases A, B and C and a few more, signed as their senders
# would sign them. Refunds here are simulated (sandbox processor); no money moves.
echo
echo "quickstart: sending the sample requests (deploy/samples/expected.tsv):"
"$root/deploy/send-samples.sh" http://127.0.0.1:8080 | sed 's/^/  /' ||
    echo "quickstart: some samples did not reach the expected outcome (see above)"

cat <<TXT

quickstart: refundbot is running on http://127.0.0.1:8080 (Ctrl-C to stop)
  http://127.0.0.1:8080/sandbox     the review console: cards as Slack would show them; act as
                                    a reviewer, run /refund commands, see the daily summary
  curl -s 127.0.0.1:8080/healthz    liveness
  curl -s 127.0.0.1:8080/readyz     database and migrations
  curl -s 127.0.0.1:8080/metrics    Prometheus metrics
  POST /webhooks/requests           signed with the secret in var/intake-signing-secret
                                    (how: docs/workflow.md)
  REFUNDBOT_DB_URL=$REFUNDBOT_DB_URL \\
      $build/bot/refundbot audit show rf_case_a     an audit trail
  $build/bot/refundbot decide --request tests/data/seed/case_b_request.json   a decision explained
TXT
status=0
wait "$refundbot_pid" || status=$?
refundbot_pid=""
exit "$status"
