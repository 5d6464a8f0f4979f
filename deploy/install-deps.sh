#!/usr/bin/env bash
# Installs the Debian 12 packages refundbot builds and tests with. Idempotent: when everything
# is present it prints nothing and touches nothing. Needs root (or sudo) only when something is
# missing. The Dockerfile's build stage runs it too.
#
#   deploy/install-deps.sh                    build and run
#   deploy/install-deps.sh --with-test-tools  also Chromium, Node.js and PyYAML (tests/run.sh)
#   deploy/install-deps.sh --with-fuzz-tools  also clang-14 and libFuzzer (tests/fuzz/run.sh)
set -euo pipefail

packages=(
    build-essential cmake pkg-config git ca-certificates curl openssl
    libboost1.81-dev libboost-json1.81-dev
    libssl-dev libpqxx-dev libspdlog-dev
    googletest libgmock-dev libgtest-dev
    libcli11-dev libtomlplusplus-dev libvalijson-dev libbenchmark-dev
    postgresql-15 postgresql-client-15
    clang-format
)
if [ "${1:-}" = --with-test-tools ]; then
    # The review console's browser test and the deployment-file checks.
    packages+=(chromium python3 python3-yaml systemd)
    command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
if [ "${1:-}" = --with-fuzz-tools ]; then
    packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# The Debian postgresql package starts a cluster on install; we never use it (tests and the
# quickstart run private clusters), so keep the packaging from creating one.
if ! dpkg-query -W postgresql-common >/dev/null 2>&1; then
    "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/refundbot.conf >/dev/null
fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
