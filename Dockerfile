# syntax=docker/dockerfile:1
# One image for every kit service (gateway, catalog, orders, inventory, payments, notifications,
# loadgen, and the monolith): docker-compose.yml picks the service by its command. Built by `docker compose up`.
# The gateway (and the monolith) serve the browser storefront, which Vite builds here into static files.
# Multi-stage: TypeScript is compiled in "build"; the runtime stage holds production dependencies
# and compiled JavaScript only, runs as the unprivileged "node" user and preloads the telemetry.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /kit
# manifests first, so editing code does not reinstall dependencies
COPY package.json package-lock.json ./
COPY packages/telemetry/package.json packages/telemetry/
COPY packages/service/package.json packages/service/
COPY packages/runner/package.json packages/runner/
COPY packages/stack/package.json packages/stack/
COPY packages/dashboards/package.json packages/dashboards/
COPY packages/k8s/package.json packages/k8s/
COPY bench/package.json bench/
COPY sample-services/gateway/package.json sample-services/gateway/
COPY sample-services/catalog/package.json sample-services/catalog/
COPY sample-services/orders/package.json sample-services/orders/
COPY sample-services/inventory/package.json sample-services/inventory/
COPY sample-services/payments/package.json sample-services/payments/
COPY sample-services/notifications/package.json sample-services/notifications/
COPY sample-services/loadgen/package.json sample-services/loadgen/
COPY sample-services/storefront/package.json sample-services/storefront/
COPY sample-services/monolith/package.json sample-services/monolith/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages packages
COPY sample-services sample-services
RUN npx tsc -b packages/telemetry packages/service \
      sample-services/gateway sample-services/catalog sample-services/orders sample-services/inventory \
      sample-services/payments sample-services/notifications sample-services/loadgen sample-services/monolith \
 && npm run build -w @kit/storefront \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && find packages sample-services -name '*.tsbuildinfo' -delete

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /kit
COPY --from=build /kit/package.json ./
COPY --from=build /kit/node_modules node_modules
COPY --from=build /kit/packages packages
COPY --from=build /kit/sample-services sample-services
USER node
EXPOSE 8080
ENTRYPOINT ["node", "--require", "@kit/telemetry/register"]
CMD ["sample-services/gateway/dist/main.js"]
