#!/usr/bin/env bash
# Creates, idempotently, the RabbitMQ virtual hosts the pipeline, game-day and browser tests' own stacks use,
# so their notifications consumers never take the e2e stack's messages. Run by scripts/engines.sh.
set -euo pipefail
for vhost in kit-stack kit-gameday kit-browser; do
  if ! rabbitmqctl -q list_vhosts | grep -qx "$vhost"; then
    rabbitmqctl -q add_vhost "$vhost"
  fi
  rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*'
done
