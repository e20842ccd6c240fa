#!/usr/bin/env bash
# Runs every test: the .NET suites (each run starts its own throwaway PostgreSQL cluster) and the checks
# of the deployment files. Ends with one line: "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
passed=0
failed=0

# The evidence-file tests and the benchmark run a real S3-compatible server (npm s3rver, tests/storage).
(cd tests/storage && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || echo "npm ci in tests/storage failed: the S3 tests will fail" >&2
# The notification tests send e-mail to a real SMTP server (smtp4dev, a tool of the repository's manifest).
dotnet tool restore >/dev/null || echo "dotnet tool restore failed: the e-mail tests will fail" >&2

dotnet test Duban.sln --logger trx --results-directory "$results" "$@"
dotnet_status=$?

for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# A build failure or a crashed test host leaves no count behind; it must not pass as green.
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test failed (exit $dotnet_status) without a failing test: build error or test host crash" >&2
  failed=$((failed + 1))
fi

check() {
  local name=$1
  shift
  if "$@"; then
    echo "  passed  $name"
    passed=$((passed + 1))
  else
    echo "  FAILED  $name" >&2
    failed=$((failed + 1))
  fi
}

# With no environment variable set: compose must start on a fresh machine with nothing made by hand.
compose_is_valid() {
  if ! command -v docker-compose >/dev/null; then
    echo "docker-compose is not installed (Debian: apt-get install docker-compose)" >&2
    return 1
  fi
  env -i PATH="$PATH" HOME="${HOME:-/root}" docker-compose -f docker-compose.yml config -q
}

# tests/deploy holds the schema validator (npm kubernetes-models, @kubernetes-models/cloudnative-pg, yaml).
deploy_checks_installed() {
  if ! command -v npm >/dev/null; then
    echo "npm is not installed (Debian: apt-get install nodejs npm)" >&2
    return 1
  fi
  (cd tests/deploy && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# Quiet when it passes; the whole output when it does not.
quietly() {
  local log="$results/check.log"
  "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}

k8s_manifests_validate() {
  quietly node tests/deploy/validate.mjs deploy/k8s deploy/k8s/secrets
}

# The validator must be seen to refuse: each broken fixture names what it must be refused for.
k8s_validator_refuses_broken() {
  quietly node tests/deploy/validate.mjs --broken tests/deploy/broken
}

# The weekly-review CronJob's script, run against a fake token endpoint and supervision service.
weekly_review_job_works() {
  (cd tests/deploy && quietly node --test weekly-review.test.mjs)
}

echo "Deployment files:"
check "docker-compose.yml is valid with no variables set" compose_is_valid
check "tests/deploy installed (npm ci)" deploy_checks_installed
check "deploy/k8s manifests valid against the Kubernetes and CloudNativePG schemas" k8s_manifests_validate
check "the manifest validator refuses broken manifests" k8s_validator_refuses_broken
check "the weekly-review job signs in and runs the review" weekly_review_job_works

# README's command blocks, run as written against a fresh local run; each block counts as one test.
echo "README walkthroughs:"
readme_log=$(mktemp)
python3 tests/readme/run_readme.py | tee "$readme_log"
readme_status=${PIPESTATUS[0]}
readme_counts=$(grep -E '^readme: [0-9]+ passed, [0-9]+ failed$' "$readme_log" | tail -1)
rm -f "$readme_log"
if [ -n "$readme_counts" ]; then
  passed=$((passed + $(sed -E 's/readme: ([0-9]+) passed.*/\1/' <<<"$readme_counts")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$readme_counts")))
fi
if [ "$readme_status" -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' <<<"$readme_counts"; then
  echo "  FAILED  the README runner itself (exit $readme_status)" >&2
  failed=$((failed + 1))
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
