-- Creates the other service databases on the compose PostgreSQL's first start (the image's entrypoint
-- runs /docker-entrypoint-initdb.d/*.sql; POSTGRES_DB already made kit_catalog). One database per
-- service: catalog owns kit_catalog, orders kit_orders, notifications kit_notifications. A volume made
-- before a database was added here does not run this again (README: "The two commands"). The
-- native runner uses scripts/pg-setup.sh.
CREATE DATABASE kit_orders OWNER kit;
CREATE DATABASE kit_notifications OWNER kit;
