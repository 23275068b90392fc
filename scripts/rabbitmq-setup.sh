#!/usr/bin/env bash
# Creates, idempotently, the RabbitMQ virtual host the pipeline test's second stack uses, so its
# notifications consumer never takes the e2e stack's messages. Run by scripts/engines.sh.
set -euo pipefail
if ! rabbitmqctl -q list_vhosts | grep -qx kit-stack; then
  rabbitmqctl -q add_vhost kit-stack
fi
rabbitmqctl -q set_permissions -p kit-stack guest '.*' '.*' '.*'
