#!/usr/bin/env bash
# `make demo-replicas`: redis-server, two replicas of the release demo sharing it, and a
# round-robin load balancer, all on 127.0.0.1. Open http://127.0.0.1:3000 and watch the
# balancer's log alternate between replica-1 and replica-2 while you stay signed in.
# Replica 1 hosts the dev IdP (port 3109); replica 2 trusts it like a real user pool.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${DEMO_PORT:-3000}
R1=${REPLICA1_PORT:-3101}
R2=${REPLICA2_PORT:-3102}
IDP=${DEV_IDP_PORT:-3109}
REDIS_PORT=${REDIS_PORT:-6390}
POOL=us-east-1_LeptosDev

cargo leptos build --release

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for() { # url what
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "$2 did not start ($1)" >&2; exit 1
}

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
pids+=($!)

SECRET_KEY=${SECRET_KEY:-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48)}
common=(
  LEPTOS_SITE_ROOT=target/site
  RUST_LOG="${RUST_LOG:-info}"
  SECRET_KEY="$SECRET_KEY"
  AWS_COGNITO_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  AWS_COGNITO_REDIRECT_URL="http://127.0.0.1:$PORT/auth/callback"
  AWS_COGNITO_LOGOUT_URL="http://127.0.0.1:$PORT/"
  AWS_COGNITO_REFRESH_FLOW_ENABLED=true
  AWS_COGNITO_COOKIE_SECURE=false
)

env "${common[@]}" LEPTOS_SITE_ADDR="127.0.0.1:$R1" DEV_IDP_ADDR="127.0.0.1:$IDP" \
  target/release/leptos_cognito_demo 2>&1 | sed -u 's/^/[replica-1] /' &
pids+=($!)
wait_for "http://127.0.0.1:$IDP/$POOL/.well-known/jwks.json" "the dev IdP"

env "${common[@]}" LEPTOS_SITE_ADDR="127.0.0.1:$R2" \
  AWS_REGION=us-east-1 AWS_COGNITO_USER_POOL_ID="$POOL" \
  AWS_COGNITO_USER_POOL_CLIENT_ID=leptos-cognito-demo \
  AWS_COGNITO_USER_POOL_CLIENT_SECRET=dev-client-secret-not-for-production \
  AWS_COGNITO_DOMAIN="http://127.0.0.1:$IDP" \
  AWS_COGNITO_ISSUER="http://127.0.0.1:$IDP/$POOL" \
  target/release/leptos_cognito_demo 2>&1 | sed -u 's/^/[replica-2] /' &
pids+=($!)
wait_for "http://127.0.0.1:$R1/" "replica 1"
wait_for "http://127.0.0.1:$R2/" "replica 2"

node scripts/lb.mjs "$PORT" "http://127.0.0.1:$R1" "http://127.0.0.1:$R2" &
pids+=($!)
wait_for "http://127.0.0.1:$PORT/" "the load balancer"
cat <<MSG

  Acme Notes on two replicas: http://127.0.0.1:$PORT   (alice / alice-password, bob / bob-password)
  Shared store: redis://127.0.0.1:$REDIS_PORT   Stop Redis to see the replicas degrade:
    redis-cli -p $REDIS_PORT shutdown nosave   (start it again: redis-server --port $REDIS_PORT --save '')
  Ctrl-C stops everything.

MSG
wait
