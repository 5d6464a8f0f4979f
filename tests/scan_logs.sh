#!/usr/bin/env bash
# Fails when a secret or an email address appears in what refundbot printed during the suite:
# every `refundbot` process a test starts writes its stdout+stderr to child-*.log under the
# suite's TMPDIR (tests/support/process.cpp), and tests/run.sh calls this on that directory.
#
#   tests/scan_logs.sh DIR [MIN_FILES]    exit 1 on any hit, or when fewer than MIN_FILES logs
#
# The patterns are the shapes of the credentials the suite configures (Stripe, Slack, Shopify,
# Zendesk, LLM keys, webhook signing secrets, signature headers) plus the few test secrets that
# have no recognizable shape, and any email address.
set -euo pipefail

dir=${1:?usage: scan_logs.sh DIR [MIN_FILES]}
min_files=${2:-1}

patterns=(
    'whsec_[A-Za-z0-9_]+'
    'sk_(test|live)_[A-Za-z0-9_]+'
    'sk-[A-Za-z0-9-]{6,}'
    'xox[abpr]-[A-Za-z0-9-]+'
    'shp(at|ss|ca)_[A-Za-z0-9_]+'
    'v0=[0-9a-f]{64}'
    'v1=[0-9a-f]{64}'
    'sha256=[A-Za-z0-9+/=]{20,}'
    '[Bb]earer [A-Za-z0-9._-]{6,}'
    'zd-test-token|zd-webhook-signing-secret|oms-token|hunter2|slack_signing_secret[a-z_]*'
    'sandbox-test-intake-secret'
    '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}'
)
regex=$(IFS='|'; echo "${patterns[*]}")

mapfile -d '' logs < <(find "$dir" -name 'child-*.log' -print0)
if [ "${#logs[@]}" -lt "$min_files" ]; then
    echo "scan_logs: only ${#logs[@]} refundbot logs under $dir (expected at least $min_files)" >&2
    exit 1
fi
bytes=$(cat "${logs[@]}" /dev/null | wc -c)
if hits=$(grep -noE "$regex" "${logs[@]}" /dev/null); then
    echo "scan_logs: secrets or email addresses in refundbot's output:" >&2
    # Print where, and only the first characters of what, so this report leaks nothing itself.
    echo "$hits" | head -20 | sed -E 's/^([^:]+:[0-9]+:)(.{4}).*/\1 \2.../' >&2
    exit 1
fi
echo "scan_logs: no secrets or email addresses in ${#logs[@]} refundbot logs ($bytes bytes)"
