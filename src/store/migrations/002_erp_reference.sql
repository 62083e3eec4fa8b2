-- kgc_erp: the ERP read contract (DESIGN.md 3). In production the daemon reads these
-- tables or views from the ERP's own PostgreSQL (ERP_DATABASE_URL, a read-only role
-- plus INSERT on appointments); here they are the reference schema and the home of the
-- demo data. The daemon never returns tax_number, id_card_number or balance.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE SCHEMA IF NOT EXISTS kgc_erp;

-- unaccent() is only STABLE (it reads a dictionary); naming the dictionary makes this
-- wrapper safe to declare IMMUTABLE, so that names can be trigram-indexed accent-free.
CREATE FUNCTION kgc_erp.fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE TABLE kgc_erp.locations (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  city          text NOT NULL,
  address       text,
  opens_at      time NOT NULL DEFAULT '08:00',
  closes_at     time NOT NULL DEFAULT '17:00',
  open_days     text NOT NULL DEFAULT '12345',    -- ISO weekdays with service desk hours (1 = Monday)
  slot_minutes  integer NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 5 AND 240)
);

CREATE TABLE kgc_erp.customers (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  phone           text,                           -- E.164, +36…
  email           text,
  company         text,
  is_business     boolean NOT NULL DEFAULT false,
  tax_number      text,                           -- never leaves the ERP
  id_card_number  text,                           -- never leaves the ERP
  balance         numeric(14, 2) NOT NULL DEFAULT 0, -- never leaves the ERP
  payment_status  text NOT NULL DEFAULT 'good' CHECK (payment_status IN ('good', 'late', 'blocked')),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_customer_phone ON kgc_erp.customers (phone);
CREATE INDEX idx_customer_name_trgm ON kgc_erp.customers USING gin (kgc_erp.fold(name) gin_trgm_ops);

CREATE TABLE kgc_erp.machines (
  id    text PRIMARY KEY,
  name  text NOT NULL,
  type  text NOT NULL
);

CREATE TABLE kgc_erp.rentals (
  id            text PRIMARY KEY,
  customer_id   text NOT NULL REFERENCES kgc_erp.customers (id) ON DELETE CASCADE,
  machine_id    text NOT NULL REFERENCES kgc_erp.machines (id),
  location_id   text REFERENCES kgc_erp.locations (id),
  rental_start  date NOT NULL,
  rental_end    date NOT NULL,
  returned_on   date,
  status        text NOT NULL CHECK (status IN ('active', 'returned', 'cancelled'))
);
CREATE INDEX rentals_active_by_customer ON kgc_erp.rentals (customer_id) WHERE status = 'active';

-- Worklog statuses (seed 2.2): felvéve, diagnosztika, árajánlat, javítás, kész, átadva.
CREATE TABLE kgc_erp.worklogs (
  id                    text PRIMARY KEY,
  customer_id           text NOT NULL REFERENCES kgc_erp.customers (id) ON DELETE CASCADE,
  machine_name          text NOT NULL,
  machine_type          text,
  location_id           text REFERENCES kgc_erp.locations (id),
  status                text NOT NULL CHECK (status IN ('felvéve', 'diagnosztika', 'árajánlat', 'javítás', 'kész', 'átadva')),
  estimated_completion  timestamptz,
  quote_amount          integer,
  quote_accepted        boolean,
  technician_notes      text,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX worklogs_open_by_customer ON kgc_erp.worklogs (customer_id) WHERE status <> 'átadva';

CREATE TABLE kgc_erp.products (
  sku       text PRIMARY KEY,
  name      text NOT NULL,
  category  text
);

-- Order and item statuses: rendelve, úton, beérkezett, átadva, törölve.
CREATE TABLE kgc_erp.orders (
  id                 text PRIMARY KEY,
  customer_id        text NOT NULL REFERENCES kgc_erp.customers (id) ON DELETE CASCADE,
  location_id        text REFERENCES kgc_erp.locations (id),
  status             text NOT NULL CHECK (status IN ('rendelve', 'úton', 'beérkezett', 'átadva', 'törölve')),
  ordered_at         timestamptz NOT NULL,
  estimated_arrival  date,
  arrived_at         timestamptz,
  notification_sent  boolean NOT NULL DEFAULT false
);
CREATE INDEX orders_by_customer ON kgc_erp.orders (customer_id);

CREATE TABLE kgc_erp.order_items (
  order_id  text NOT NULL REFERENCES kgc_erp.orders (id) ON DELETE CASCADE,
  line_no   integer NOT NULL,
  sku       text NOT NULL,
  name      text NOT NULL,
  quantity  integer NOT NULL CHECK (quantity > 0),
  status    text NOT NULL CHECK (status IN ('rendelve', 'úton', 'beérkezett', 'átadva', 'törölve')),
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE kgc_erp.inventory (
  sku          text NOT NULL REFERENCES kgc_erp.products (sku),
  location_id  text NOT NULL REFERENCES kgc_erp.locations (id),
  quantity     integer NOT NULL CHECK (quantity >= 0),
  reserved     integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  PRIMARY KEY (sku, location_id)
);

-- The one table the daemon writes. One booking per slot and location, whatever the
-- concurrency: the partial unique index decides, not a check-then-insert.
CREATE SEQUENCE kgc_erp.appointment_seq;
CREATE TABLE kgc_erp.appointments (
  id              text PRIMARY KEY,
  location_id     text NOT NULL REFERENCES kgc_erp.locations (id),
  slot_start      timestamptz NOT NULL,
  slot_minutes    integer NOT NULL,
  customer_id     text REFERENCES kgc_erp.customers (id) ON DELETE SET NULL,
  customer_name   text,
  customer_phone  text,
  worklog_id      text,
  machine         text,
  note            text,
  idempotency_ref text UNIQUE,                    -- "<api key id>:<Idempotency-Key>" of the booking request
  status          text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'done')),
  source          text NOT NULL DEFAULT 'support',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX appointments_one_per_slot ON kgc_erp.appointments (location_id, slot_start) WHERE status <> 'cancelled';
