#!/usr/bin/env bash
# Creates, idempotently, the RabbitMQ virtual hosts the test and benchmark stacks use (pipeline,
# game days, the browser test, the e2e tests' services and monolith modes, the architectures
# benchmark), so no stack's notifications consumer takes another's messages. Run by scripts/engines.sh.
set -euo pipefail
for vhost in kit-stack kit-gameday kit-browser kit-e2e kit-mono kit-arch; do
  if ! rabbitmqctl -q list_vhosts | grep -qx "$vhost"; then
    rabbitmqctl -q add_vhost "$vhost"
  fi
  rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*'
done
