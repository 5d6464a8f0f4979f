#!/usr/bin/env bash
# Sends the sandbox's sample traffic (deploy/samples/expected.tsv, in order) to a running
# refundbot through its real, signed webhook endpoints, waits for each request to settle, and
# prints a table of expected and actual outcomes. Exits 1 if any outcome differs (a request an
# earlier run already stored, and a reviewer has acted on since, is marked `earlier` instead).
#
#   deploy/send-samples.sh http://127.0.0.1:8080
#
# Needs REFUNDBOT_DB_URL (to read outcomes), the intake signing secret in
# REFUNDBOT_INTAKE_SIGNING_SECRET_FILE and, for the Stripe sample, the Stripe webhook secret in
# REFUNDBOT_STRIPE_WEBHOOK_SECRET_FILE (the sample is skipped without one).
set -euo pipefail

base=${1:?usage: send-samples.sh BASE_URL}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
samples="$here/samples"
: "${REFUNDBOT_DB_URL:?set REFUNDBOT_DB_URL}"
intake_secret=$(cat "${REFUNDBOT_INTAKE_SIGNING_SECRET_FILE:?set REFUNDBOT_INTAKE_SIGNING_SECRET_FILE}")
stripe_secret=""
if [ -n "${REFUNDBOT_STRIPE_WEBHOOK_SECRET_FILE:-}" ]; then
    stripe_secret=$(cat "$REFUNDBOT_STRIPE_WEBHOOK_SECRET_FILE")
fi
psql_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}/psql
[ -x "$psql_bin" ] || psql_bin=psql
timeout_s=${SAMPLE_TIMEOUT_S:-30}

hmac_hex() { openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //'; }

state_of() {
    "$psql_bin" "$REFUNDBOT_DB_URL" -qAt -c "SELECT state FROM requests WHERE request_id = '$1'"
}

# Waits until the request leaves the states the pipeline passes through on its own.
settle() {
    local id=$1 s="" deadline=$((SECONDS + timeout_s))
    while [ $SECONDS -lt $deadline ]; do
        s=$(state_of "$id")
        case "$s" in
            "" | RECEIVED | DECIDED | AUTO_APPROVED | APPROVED | EXECUTING) sleep 0.2 ;;
            *) break ;;
        esac
    done
    echo "${s:-missing}"
}

failures=0
rows=()
while IFS=$'\t' read -r file endpoint id expected what; do
    case "$file" in "" | \#*) continue ;; esac
    body=$(cat "$samples/$file")
    t=$(date +%s)
    if [ "$endpoint" = stripe ]; then
        if [ -z "$stripe_secret" ]; then
            rows+=("$id|$expected|skipped|-|$what (no Stripe webhook secret)")
            continue
        fi
        header="Stripe-Signature: t=$t,v1=$(printf '%s' "$t.$body" | hmac_hex "$stripe_secret")"
    else
        header="X-Refundbot-Signature: t=$t,v1=$(printf '%s' "$t.$body" | hmac_hex "$intake_secret")"
    fi
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$header" \
        -H "Content-Type: application/json" --data-binary "$body" "$base/webhooks/$endpoint" || true)
    got=$(settle "$id")
    mark=ok
    if [ "$status" = 200 ] && [ "$endpoint" = requests ] && [ "$got" != "$expected" ]; then
        # Stored by an earlier run (a quickstart started again) and acted on since.
        mark="earlier"
    elif [ "$got" != "$expected" ] || [ "${status:0:1}" != 2 ]; then
        mark=DIFFERS
        failures=$((failures + 1))
    fi
    rows+=("$id|$expected|$got|$status $mark|$what")
done <"$samples/expected.tsv"

printf '%-22s %-18s %-18s %-12s %s\n' request expected got "http" "what it shows"
for r in "${rows[@]}"; do
    IFS='|' read -r id expected got status what <<<"$r"
    printf '%-22s %-18s %-18s %-12s %s\n' "$id" "$expected" "$got" "$status" "$what"
done
if [ "$failures" -gt 0 ]; then
    echo "send-samples: $failures sample(s) did not reach the expected outcome" >&2
    exit 1
fi
