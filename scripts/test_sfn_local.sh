#!/usr/bin/env bash
# The scenario tests against Step Functions Local (amazon/aws-stepfunctions-local in Docker)
# instead of the embedded engine. Step Functions Local runs the workflows with our MockConfigFile;
# DynamoDB, SNS and SQS come from moto's server on loopback. Needs Docker on Linux (the container
# shares the host network to reach moto on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_PORT=${MOTO_PORT:-4566}
SFN_PORT=${SFN_PORT:-8083}
IMAGE=${SFN_LOCAL_IMAGE:-amazon/aws-stepfunctions-local}
CONTAINER=ekyc-sfn-local

if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  echo "make test-sfn-local needs a running Docker engine; without one, 'make test' runs the" >&2
  echo "same scenarios on the embedded engine." >&2
  exit 2
fi

.venv/bin/python -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >/dev/null 2>&1 &
moto_pid=$!
cleanup() { docker rm -f "$CONTAINER" >/dev/null 2>&1 || true; kill "$moto_pid" 2>/dev/null || true; }
trap cleanup EXIT

docker run -d --rm --name "$CONTAINER" --network host \
  -e AWS_DEFAULT_REGION=us-east-1 -e AWS_ACCOUNT_ID=123456789012 \
  -e AWS_ACCESS_KEY_ID=testing -e AWS_SECRET_ACCESS_KEY=testing \
  -e DYNAMODB_ENDPOINT="http://127.0.0.1:$MOTO_PORT" \
  -e SNS_ENDPOINT="http://127.0.0.1:$MOTO_PORT" \
  -e SQS_ENDPOINT="http://127.0.0.1:$MOTO_PORT" \
  -e STEP_FUNCTIONS_ENDPOINT="http://127.0.0.1:$SFN_PORT" \
  -e SFN_MOCK_CONFIG=/home/StepFunctionsLocal/MockConfigFile.json \
  -v "$PWD/statemachines/mock_config.json:/home/StepFunctionsLocal/MockConfigFile.json:ro" \
  "$IMAGE" >/dev/null

for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$SFN_PORT" && break
  sleep 1
done

AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" \
AWS_ENDPOINT_URL_SFN="http://127.0.0.1:$SFN_PORT" \
  .venv/bin/python -m pytest tests/test_scenarios.py "$@"
