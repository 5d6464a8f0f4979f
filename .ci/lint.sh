#!/usr/bin/env bash
# Cheap repository checks (style.md 6.15): formatting, ASCII sources, own header first, the
# pipeline's purity, and no console output outside the CLI. Prints every finding; exit 1 if any.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
fail() { echo "lint: $*"; status=1; }

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.cpp.in')

if command -v clang-format >/dev/null; then
    clang-format --dry-run -Werror "${sources[@]}" 2>&1 | head -40
    [ "${PIPESTATUS[0]}" -eq 0 ] || fail "clang-format: run clang-format -i on the files above"
else
    fail "clang-format not installed (./deploy/install-deps.sh)"
fi

for f in "${sources[@]}"; do
    LC_ALL=C grep -nP '[^\x00-\x7F]' "$f" | sed "s|^|lint: non-ASCII in $f:|" && status=1
done

for f in $(git ls-files '*.cpp' | grep -v '^tests/' | grep -v '/main.cpp$'); do
    header="${f%.cpp}.hpp"
    [ -f "$header" ] || continue
    first=$(grep -m1 '^#include' "$f")
    [ "$first" = "#include \"$header\"" ] || fail "$f: first include must be \"$header\" (got: $first)"
done

bad=$(grep -rnE '#include *[<"](adapters/|bot/|pqxx|boost/beast|boost/asio|spdlog|openssl|toml)' pipeline)
[ -z "$bad" ] || fail "pipeline/ must stay pure:"$'\n'"$bad"

bad=$(grep -rnE 'std::(cout|cerr)' bot adapters pipeline | grep -vE '^bot/(main\.cpp|app/commands\.cpp|app/decide_command\.cpp|app/audit_command\.cpp|app/replay_command\.cpp):')
[ -z "$bad" ] || fail "console output outside the CLI (use the logger):"$'\n'"$bad"

exit $status
