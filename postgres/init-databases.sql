-- Creates the second service database on the compose PostgreSQL's first start (the image's entrypoint
-- runs /docker-entrypoint-initdb.d/*.sql; POSTGRES_DB already made kit_catalog). One database per
-- service: catalog owns kit_catalog, orders owns kit_orders. The native runner uses scripts/pg-setup.sh.
CREATE DATABASE kit_orders OWNER kit;
