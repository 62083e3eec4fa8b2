-- The store's schema after every migration, on either engine (src/store/schema-snapshot.ts).
-- Written by `npm run schema:dump`; test/store/schema-dump.test.ts checks it on PGlite and PostgreSQL.
-- Function bodies are shown by an md5 of their whitespace-folded source.

schema kgc_erp
schema kgc_support

extension pg_trgm
extension unaccent

column kgc_erp.appointments.created_at timestamp with time zone NOT NULL DEFAULT now()
column kgc_erp.appointments.customer_id text
column kgc_erp.appointments.customer_name text
column kgc_erp.appointments.customer_phone text
column kgc_erp.appointments.id text NOT NULL
column kgc_erp.appointments.idempotency_ref text
column kgc_erp.appointments.location_id text NOT NULL
column kgc_erp.appointments.machine text
column kgc_erp.appointments.note text
column kgc_erp.appointments.slot_minutes integer NOT NULL
column kgc_erp.appointments.slot_start timestamp with time zone NOT NULL
column kgc_erp.appointments.source text NOT NULL DEFAULT 'support'::text
column kgc_erp.appointments.status text NOT NULL DEFAULT 'booked'::text
column kgc_erp.appointments.worklog_id text
column kgc_erp.customers.balance numeric(14,2) NOT NULL DEFAULT 0
column kgc_erp.customers.company text
column kgc_erp.customers.created_at timestamp with time zone NOT NULL DEFAULT now()
column kgc_erp.customers.email text
column kgc_erp.customers.id text NOT NULL
column kgc_erp.customers.id_card_number text
column kgc_erp.customers.is_business boolean NOT NULL DEFAULT false
column kgc_erp.customers.name text NOT NULL
column kgc_erp.customers.payment_status text NOT NULL DEFAULT 'good'::text
column kgc_erp.customers.phone text
column kgc_erp.customers.tax_number text
column kgc_erp.inventory.location_id text NOT NULL
column kgc_erp.inventory.quantity integer NOT NULL
column kgc_erp.inventory.reserved integer NOT NULL DEFAULT 0
column kgc_erp.inventory.sku text NOT NULL
column kgc_erp.locations.address text
column kgc_erp.locations.city text NOT NULL
column kgc_erp.locations.closes_at time without time zone NOT NULL DEFAULT '17:00:00'::time without time zone
column kgc_erp.locations.id text NOT NULL
column kgc_erp.locations.name text NOT NULL
column kgc_erp.locations.open_days text NOT NULL DEFAULT '12345'::text
column kgc_erp.locations.opens_at time without time zone NOT NULL DEFAULT '08:00:00'::time without time zone
column kgc_erp.locations.slot_minutes integer NOT NULL DEFAULT 30
column kgc_erp.machines.id text NOT NULL
column kgc_erp.machines.name text NOT NULL
column kgc_erp.machines.type text NOT NULL
column kgc_erp.order_items.line_no integer NOT NULL
column kgc_erp.order_items.name text NOT NULL
column kgc_erp.order_items.order_id text NOT NULL
column kgc_erp.order_items.quantity integer NOT NULL
column kgc_erp.order_items.sku text NOT NULL
column kgc_erp.order_items.status text NOT NULL
column kgc_erp.orders.arrived_at timestamp with time zone
column kgc_erp.orders.customer_id text NOT NULL
column kgc_erp.orders.estimated_arrival date
column kgc_erp.orders.id text NOT NULL
column kgc_erp.orders.location_id text
column kgc_erp.orders.notification_sent boolean NOT NULL DEFAULT false
column kgc_erp.orders.ordered_at timestamp with time zone NOT NULL
column kgc_erp.orders.status text NOT NULL
column kgc_erp.products.category text
column kgc_erp.products.name text NOT NULL
column kgc_erp.products.sku text NOT NULL
column kgc_erp.rentals.customer_id text NOT NULL
column kgc_erp.rentals.id text NOT NULL
column kgc_erp.rentals.location_id text
column kgc_erp.rentals.machine_id text NOT NULL
column kgc_erp.rentals.rental_end date NOT NULL
column kgc_erp.rentals.rental_start date NOT NULL
column kgc_erp.rentals.returned_on date
column kgc_erp.rentals.status text NOT NULL
column kgc_erp.support_outbox.created_at timestamp with time zone NOT NULL DEFAULT now()
column kgc_erp.support_outbox.data jsonb NOT NULL
column kgc_erp.support_outbox.event text NOT NULL
column kgc_erp.support_outbox.id text NOT NULL DEFAULT ('evt_'::text || replace((gen_random_uuid())::text, '-'::text, ''::text))
column kgc_erp.support_outbox.occurred_at timestamp with time zone NOT NULL DEFAULT now()
column kgc_erp.support_outbox.seq bigint NOT NULL DEFAULT nextval('kgc_erp.support_outbox_seq_seq'::regclass)
column kgc_erp.support_outbox.traceparent text
column kgc_erp.worklogs.created_at timestamp with time zone NOT NULL DEFAULT now()
column kgc_erp.worklogs.customer_id text NOT NULL
column kgc_erp.worklogs.estimated_completion timestamp with time zone
column kgc_erp.worklogs.id text NOT NULL
column kgc_erp.worklogs.location_id text
column kgc_erp.worklogs.machine_name text NOT NULL
column kgc_erp.worklogs.machine_type text
column kgc_erp.worklogs.quote_accepted boolean
column kgc_erp.worklogs.quote_amount integer
column kgc_erp.worklogs.status text NOT NULL
column kgc_erp.worklogs.technician_notes text
column kgc_support.admin_credentials.created_at timestamp with time zone NOT NULL
column kgc_support.admin_credentials.password_hash text NOT NULL
column kgc_support.admin_credentials.updated_at timestamp with time zone NOT NULL
column kgc_support.admin_credentials.updated_by text NOT NULL
column kgc_support.admin_credentials.username text NOT NULL
column kgc_support.api_keys.created_at timestamp with time zone NOT NULL
column kgc_support.api_keys.created_by text NOT NULL
column kgc_support.api_keys.expires_at timestamp with time zone NOT NULL
column kgc_support.api_keys.expires_before_rotation timestamp with time zone
column kgc_support.api_keys.hash text NOT NULL
column kgc_support.api_keys.id text NOT NULL
column kgc_support.api_keys.last_used_at timestamp with time zone
column kgc_support.api_keys.name text NOT NULL
column kgc_support.api_keys.prefix text NOT NULL
column kgc_support.api_keys.rate_burst integer
column kgc_support.api_keys.rate_per_sec double precision
column kgc_support.api_keys.revoked_at timestamp with time zone
column kgc_support.api_keys.revoked_by text
column kgc_support.api_keys.rotated_from text
column kgc_support.api_keys.rotated_to text
column kgc_support.api_keys.scopes text[] NOT NULL
column kgc_support.audit_log.actor text
column kgc_support.audit_log.at timestamp with time zone NOT NULL
column kgc_support.audit_log.id bigint NOT NULL DEFAULT nextval('kgc_support.audit_log_id_seq'::regclass)
column kgc_support.audit_log.key_id text
column kgc_support.audit_log.kind text NOT NULL
column kgc_support.audit_log.latency_ms real
column kgc_support.audit_log.method text
column kgc_support.audit_log.request_id text
column kgc_support.audit_log.resource_id text
column kgc_support.audit_log.route text NOT NULL
column kgc_support.audit_log.status integer
column kgc_support.capability_switches.capability text NOT NULL
column kgc_support.capability_switches.changed_at timestamp with time zone NOT NULL
column kgc_support.capability_switches.changed_by text NOT NULL
column kgc_support.capability_switches.enabled boolean NOT NULL
column kgc_support.delivery_attempts.at timestamp with time zone NOT NULL
column kgc_support.delivery_attempts.attempt integer NOT NULL
column kgc_support.delivery_attempts.duration_ms real NOT NULL
column kgc_support.delivery_attempts.error text
column kgc_support.delivery_attempts.event_id text NOT NULL
column kgc_support.delivery_attempts.outcome text NOT NULL
column kgc_support.delivery_attempts.response text
column kgc_support.delivery_attempts.status integer
column kgc_support.delivery_attempts.url text NOT NULL
column kgc_support.delivery_attempts.worker text NOT NULL
column kgc_support.events.attempts integer NOT NULL DEFAULT 0
column kgc_support.events.body text NOT NULL
column kgc_support.events.created_at timestamp with time zone NOT NULL
column kgc_support.events.data jsonb NOT NULL
column kgc_support.events.dead_at timestamp with time zone
column kgc_support.events.delivered_at timestamp with time zone
column kgc_support.events.failures integer NOT NULL DEFAULT 0
column kgc_support.events.id text NOT NULL
column kgc_support.events.last_error text
column kgc_support.events.last_status integer
column kgc_support.events.locked_by text
column kgc_support.events.occurred_at timestamp with time zone NOT NULL
column kgc_support.events.replays integer NOT NULL DEFAULT 0
column kgc_support.events.request_id text
column kgc_support.events.run_at timestamp with time zone
column kgc_support.events.seq bigint NOT NULL DEFAULT nextval('kgc_support.events_seq_seq'::regclass)
column kgc_support.events.source text NOT NULL
column kgc_support.events.status text NOT NULL
column kgc_support.events.traceparent text
column kgc_support.events.type text NOT NULL
column kgc_support.gdpr_receipt_key.created_at timestamp with time zone NOT NULL
column kgc_support.gdpr_receipt_key.secret text NOT NULL
column kgc_support.gdpr_receipt_key.singleton boolean NOT NULL DEFAULT true
column kgc_support.gdpr_requests.created_at timestamp with time zone NOT NULL
column kgc_support.gdpr_requests.customer_hash text NOT NULL
column kgc_support.gdpr_requests.customer_id text
column kgc_support.gdpr_requests.erase_mode text NOT NULL
column kgc_support.gdpr_requests.finished_at timestamp with time zone
column kgc_support.gdpr_requests.hash_key_id text NOT NULL
column kgc_support.gdpr_requests.id text NOT NULL
column kgc_support.gdpr_requests.lease_until timestamp with time zone
column kgc_support.gdpr_requests.lookup_email text
column kgc_support.gdpr_requests.lookup_name text
column kgc_support.gdpr_requests.lookup_phone text
column kgc_support.gdpr_requests.next_attempt_at timestamp with time zone
column kgc_support.gdpr_requests.owner text
column kgc_support.gdpr_requests.phone_shared boolean NOT NULL DEFAULT false
column kgc_support.gdpr_requests.reason text NOT NULL
column kgc_support.gdpr_requests.requested_by text NOT NULL
column kgc_support.gdpr_requests.runs integer NOT NULL DEFAULT 0
column kgc_support.gdpr_requests.source text NOT NULL
column kgc_support.gdpr_requests.started_at timestamp with time zone
column kgc_support.gdpr_requests.state text NOT NULL
column kgc_support.gdpr_requests.trigger_event_id text
column kgc_support.gdpr_requests.updated_at timestamp with time zone NOT NULL
column kgc_support.gdpr_steps.attempts integer NOT NULL DEFAULT 0
column kgc_support.gdpr_steps.counts jsonb NOT NULL DEFAULT '{}'::jsonb
column kgc_support.gdpr_steps.detail text
column kgc_support.gdpr_steps.finished_at timestamp with time zone
column kgc_support.gdpr_steps.position integer NOT NULL
column kgc_support.gdpr_steps.ref text
column kgc_support.gdpr_steps.request_id text NOT NULL
column kgc_support.gdpr_steps.runs integer NOT NULL DEFAULT 0
column kgc_support.gdpr_steps.started_at timestamp with time zone
column kgc_support.gdpr_steps.state text NOT NULL
column kgc_support.gdpr_steps.step text NOT NULL
column kgc_support.idempotency.created_at timestamp with time zone NOT NULL
column kgc_support.idempotency.idem_key text NOT NULL
column kgc_support.idempotency.key_id text NOT NULL
column kgc_support.idempotency.request_hash text NOT NULL
column kgc_support.idempotency.response jsonb NOT NULL
column kgc_support.idempotency.route text NOT NULL
column kgc_support.idempotency.status integer NOT NULL
column kgc_support.migrations.applied_at timestamp with time zone NOT NULL DEFAULT now()
column kgc_support.migrations.checksum text NOT NULL
column kgc_support.migrations.name text NOT NULL
column kgc_support.migrations.set_name text NOT NULL
column kgc_support.migrations.version integer NOT NULL
column kgc_support.plugin_state.changed_at timestamp with time zone NOT NULL
column kgc_support.plugin_state.changed_by text NOT NULL
column kgc_support.plugin_state.enabled boolean NOT NULL
column kgc_support.plugin_state.env_seen text
column kgc_support.plugin_state.singleton boolean NOT NULL DEFAULT true
column kgc_support.plugin_state.webhooks_paused_at timestamp with time zone
column kgc_support.plugin_state.webhooks_paused_by text
column kgc_support.plugin_state.webhooks_resumed_at timestamp with time zone
column kgc_support.retention_runs.deleted bigint NOT NULL DEFAULT 0
column kgc_support.retention_runs.error text
column kgc_support.retention_runs.kind text NOT NULL
column kgc_support.retention_runs.ok boolean NOT NULL
column kgc_support.retention_runs.ran_at timestamp with time zone NOT NULL
column kgc_support.webhook_secrets.activates_at timestamp with time zone
column kgc_support.webhook_secrets.created_at timestamp with time zone NOT NULL
column kgc_support.webhook_secrets.created_by text NOT NULL
column kgc_support.webhook_secrets.expires_at timestamp with time zone
column kgc_support.webhook_secrets.fingerprint text NOT NULL
column kgc_support.webhook_secrets.grace_ms bigint NOT NULL DEFAULT 0
column kgc_support.webhook_secrets.id text NOT NULL
column kgc_support.webhook_secrets.secret text NOT NULL
column kgc_support.webhook_secrets.seq bigint NOT NULL DEFAULT nextval('kgc_support.webhook_secrets_seq_seq'::regclass)
column kgc_support.webhook_secrets.source text NOT NULL

constraint kgc_erp.appointments appointments_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES kgc_erp.customers(id) ON DELETE SET NULL
constraint kgc_erp.appointments appointments_idempotency_ref_key UNIQUE (idempotency_ref)
constraint kgc_erp.appointments appointments_location_id_fkey FOREIGN KEY (location_id) REFERENCES kgc_erp.locations(id)
constraint kgc_erp.appointments appointments_pkey PRIMARY KEY (id)
constraint kgc_erp.appointments appointments_status_check CHECK ((status = ANY (ARRAY['booked'::text, 'cancelled'::text, 'done'::text])))
constraint kgc_erp.customers customers_payment_status_check CHECK ((payment_status = ANY (ARRAY['good'::text, 'late'::text, 'blocked'::text])))
constraint kgc_erp.customers customers_pkey PRIMARY KEY (id)
constraint kgc_erp.inventory inventory_location_id_fkey FOREIGN KEY (location_id) REFERENCES kgc_erp.locations(id)
constraint kgc_erp.inventory inventory_pkey PRIMARY KEY (sku, location_id)
constraint kgc_erp.inventory inventory_quantity_check CHECK ((quantity >= 0))
constraint kgc_erp.inventory inventory_reserved_check CHECK ((reserved >= 0))
constraint kgc_erp.inventory inventory_sku_fkey FOREIGN KEY (sku) REFERENCES kgc_erp.products(sku)
constraint kgc_erp.locations locations_pkey PRIMARY KEY (id)
constraint kgc_erp.locations locations_slot_minutes_check CHECK (((slot_minutes >= 5) AND (slot_minutes <= 240)))
constraint kgc_erp.machines machines_pkey PRIMARY KEY (id)
constraint kgc_erp.order_items order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES kgc_erp.orders(id) ON DELETE CASCADE
constraint kgc_erp.order_items order_items_pkey PRIMARY KEY (order_id, line_no)
constraint kgc_erp.order_items order_items_quantity_check CHECK ((quantity > 0))
constraint kgc_erp.order_items order_items_status_check CHECK ((status = ANY (ARRAY['rendelve'::text, 'úton'::text, 'beérkezett'::text, 'átadva'::text, 'törölve'::text])))
constraint kgc_erp.orders orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES kgc_erp.customers(id) ON DELETE CASCADE
constraint kgc_erp.orders orders_location_id_fkey FOREIGN KEY (location_id) REFERENCES kgc_erp.locations(id)
constraint kgc_erp.orders orders_pkey PRIMARY KEY (id)
constraint kgc_erp.orders orders_status_check CHECK ((status = ANY (ARRAY['rendelve'::text, 'úton'::text, 'beérkezett'::text, 'átadva'::text, 'törölve'::text])))
constraint kgc_erp.products products_pkey PRIMARY KEY (sku)
constraint kgc_erp.rentals rentals_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES kgc_erp.customers(id) ON DELETE CASCADE
constraint kgc_erp.rentals rentals_location_id_fkey FOREIGN KEY (location_id) REFERENCES kgc_erp.locations(id)
constraint kgc_erp.rentals rentals_machine_id_fkey FOREIGN KEY (machine_id) REFERENCES kgc_erp.machines(id)
constraint kgc_erp.rentals rentals_pkey PRIMARY KEY (id)
constraint kgc_erp.rentals rentals_status_check CHECK ((status = ANY (ARRAY['active'::text, 'returned'::text, 'cancelled'::text])))
constraint kgc_erp.support_outbox support_outbox_pkey PRIMARY KEY (seq)
constraint kgc_erp.worklogs worklogs_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES kgc_erp.customers(id) ON DELETE CASCADE
constraint kgc_erp.worklogs worklogs_location_id_fkey FOREIGN KEY (location_id) REFERENCES kgc_erp.locations(id)
constraint kgc_erp.worklogs worklogs_pkey PRIMARY KEY (id)
constraint kgc_erp.worklogs worklogs_status_check CHECK ((status = ANY (ARRAY['felvéve'::text, 'diagnosztika'::text, 'árajánlat'::text, 'javítás'::text, 'kész'::text, 'átadva'::text])))
constraint kgc_support.admin_credentials admin_credentials_password_hash_check CHECK ((password_hash ~~ 'scrypt$%'::text))
constraint kgc_support.admin_credentials admin_credentials_pkey PRIMARY KEY (username)
constraint kgc_support.admin_credentials admin_credentials_username_check CHECK ((username ~ '^[a-z][a-z0-9._-]{0,31}$'::text))
constraint kgc_support.api_keys api_keys_hash_key UNIQUE (hash)
constraint kgc_support.api_keys api_keys_pkey PRIMARY KEY (id)
constraint kgc_support.api_keys api_keys_rotated_from_fkey FOREIGN KEY (rotated_from) REFERENCES kgc_support.api_keys(id)
constraint kgc_support.api_keys api_keys_rotated_to_fkey FOREIGN KEY (rotated_to) REFERENCES kgc_support.api_keys(id)
constraint kgc_support.api_keys api_keys_scopes_check CHECK ((cardinality(scopes) > 0))
constraint kgc_support.audit_log audit_log_kind_check CHECK ((kind = ANY (ARRAY['api'::text, 'admin'::text, 'notification'::text])))
constraint kgc_support.audit_log audit_log_pkey PRIMARY KEY (id)
constraint kgc_support.capability_switches capability_switches_capability_check CHECK ((capability ~ '^[a-z][a-z0-9-]{0,31}$'::text))
constraint kgc_support.capability_switches capability_switches_pkey PRIMARY KEY (capability)
constraint kgc_support.delivery_attempts delivery_attempts_outcome_check CHECK ((outcome = ANY (ARRAY['delivered'::text, 'retry'::text, 'dead'::text, 'held'::text])))
constraint kgc_support.delivery_attempts delivery_attempts_pkey PRIMARY KEY (event_id, attempt)
constraint kgc_support.events events_pkey PRIMARY KEY (id)
constraint kgc_support.events events_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'delivered'::text, 'dead'::text, 'skipped'::text, 'rejected'::text, 'filtered'::text])))
constraint kgc_support.gdpr_receipt_key gdpr_receipt_key_pkey PRIMARY KEY (singleton)
constraint kgc_support.gdpr_receipt_key gdpr_receipt_key_singleton_check CHECK (singleton)
constraint kgc_support.gdpr_requests gdpr_requests_erase_mode_check CHECK ((erase_mode = ANY (ARRAY['delete'::text, 'anonymise'::text])))
constraint kgc_support.gdpr_requests gdpr_requests_pkey PRIMARY KEY (id)
constraint kgc_support.gdpr_requests gdpr_requests_source_check CHECK ((source = ANY (ARRAY['cli'::text, 'admin'::text, 'event'::text, 'api'::text])))
constraint kgc_support.gdpr_requests gdpr_requests_state_check CHECK ((state = ANY (ARRAY['received'::text, 'running'::text, 'completed'::text, 'partial'::text, 'failed'::text])))
constraint kgc_support.gdpr_requests gdpr_requests_trigger_event_id_key UNIQUE (trigger_event_id)
constraint kgc_support.gdpr_steps gdpr_steps_pkey PRIMARY KEY (request_id, step)
constraint kgc_support.gdpr_steps gdpr_steps_position_check CHECK ((("position" >= 1) AND ("position" <= 6)))
constraint kgc_support.gdpr_steps gdpr_steps_request_id_fkey FOREIGN KEY (request_id) REFERENCES kgc_support.gdpr_requests(id) ON DELETE CASCADE
constraint kgc_support.gdpr_steps gdpr_steps_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'running'::text, 'done'::text, 'skipped'::text, 'retry'::text, 'failed'::text])))
constraint kgc_support.gdpr_steps gdpr_steps_step_check CHECK ((step = ANY (ARRAY['erp'::text, 'webhook'::text, 'memory'::text, 'chatwoot'::text, 'redis'::text, 'store'::text])))
constraint kgc_support.idempotency idempotency_pkey PRIMARY KEY (key_id, idem_key)
constraint kgc_support.migrations migrations_pkey PRIMARY KEY (set_name, version)
constraint kgc_support.plugin_state plugin_state_pkey PRIMARY KEY (singleton)
constraint kgc_support.plugin_state plugin_state_singleton_check CHECK (singleton)
constraint kgc_support.retention_runs retention_runs_pkey PRIMARY KEY (kind)
constraint kgc_support.webhook_secrets webhook_secrets_fingerprint_key UNIQUE (fingerprint)
constraint kgc_support.webhook_secrets webhook_secrets_pkey PRIMARY KEY (id)

index CREATE INDEX api_keys_expiring_idx ON kgc_support.api_keys USING btree (expires_at) WHERE (revoked_at IS NULL)
index CREATE INDEX audit_log_at_idx ON kgc_support.audit_log USING btree (at)
index CREATE INDEX audit_log_key_at_idx ON kgc_support.audit_log USING btree (key_id, at)
index CREATE INDEX audit_log_resource_at_idx ON kgc_support.audit_log USING btree (resource_id, at) WHERE (resource_id IS NOT NULL)
index CREATE INDEX events_customer_deleted_idx ON kgc_support.events USING btree (seq) WHERE (type = 'customer.deleted'::text)
index CREATE INDEX events_dead_at_idx ON kgc_support.events USING btree (dead_at) WHERE (status = ANY (ARRAY['dead'::text, 'rejected'::text]))
index CREATE INDEX events_dlq_idx ON kgc_support.events USING btree (created_at) WHERE (status = ANY (ARRAY['dead'::text, 'rejected'::text]))
index CREATE INDEX events_queue_idx ON kgc_support.events USING btree (run_at, seq) WHERE (status = 'pending'::text)
index CREATE INDEX events_seq_idx ON kgc_support.events USING btree (seq)
index CREATE INDEX gdpr_requests_created_idx ON kgc_support.gdpr_requests USING btree (created_at)
index CREATE INDEX gdpr_requests_due_idx ON kgc_support.gdpr_requests USING btree (next_attempt_at) WHERE (state = 'partial'::text)
index CREATE INDEX gdpr_requests_finished_idx ON kgc_support.gdpr_requests USING btree (finished_at) WHERE (state = 'completed'::text)
index CREATE INDEX gdpr_requests_hash_idx ON kgc_support.gdpr_requests USING btree (customer_hash)
index CREATE INDEX gdpr_requests_running_idx ON kgc_support.gdpr_requests USING btree (lease_until) WHERE (state = 'running'::text)
index CREATE INDEX idempotency_created_idx ON kgc_support.idempotency USING btree (created_at)
index CREATE INDEX idx_customer_name_trgm ON kgc_erp.customers USING gin (kgc_erp.fold(name) gin_trgm_ops)
index CREATE INDEX idx_customer_phone ON kgc_erp.customers USING btree (phone)
index CREATE INDEX orders_by_customer ON kgc_erp.orders USING btree (customer_id)
index CREATE INDEX rentals_active_by_customer ON kgc_erp.rentals USING btree (customer_id) WHERE (status = 'active'::text)
index CREATE INDEX worklogs_open_by_customer ON kgc_erp.worklogs USING btree (customer_id) WHERE (status <> 'átadva'::text)
index CREATE UNIQUE INDEX admin_credentials_pkey ON kgc_support.admin_credentials USING btree (username)
index CREATE UNIQUE INDEX api_keys_hash_key ON kgc_support.api_keys USING btree (hash)
index CREATE UNIQUE INDEX api_keys_pkey ON kgc_support.api_keys USING btree (id)
index CREATE UNIQUE INDEX appointments_idempotency_ref_key ON kgc_erp.appointments USING btree (idempotency_ref)
index CREATE UNIQUE INDEX appointments_one_per_slot ON kgc_erp.appointments USING btree (location_id, slot_start) WHERE (status <> 'cancelled'::text)
index CREATE UNIQUE INDEX appointments_pkey ON kgc_erp.appointments USING btree (id)
index CREATE UNIQUE INDEX audit_log_pkey ON kgc_support.audit_log USING btree (id)
index CREATE UNIQUE INDEX capability_switches_pkey ON kgc_support.capability_switches USING btree (capability)
index CREATE UNIQUE INDEX customers_pkey ON kgc_erp.customers USING btree (id)
index CREATE UNIQUE INDEX delivery_attempts_pkey ON kgc_support.delivery_attempts USING btree (event_id, attempt)
index CREATE UNIQUE INDEX events_pkey ON kgc_support.events USING btree (id)
index CREATE UNIQUE INDEX gdpr_receipt_key_pkey ON kgc_support.gdpr_receipt_key USING btree (singleton)
index CREATE UNIQUE INDEX gdpr_requests_api_customer_idx ON kgc_support.gdpr_requests USING btree (customer_hash) WHERE (source = 'api'::text)
index CREATE UNIQUE INDEX gdpr_requests_pkey ON kgc_support.gdpr_requests USING btree (id)
index CREATE UNIQUE INDEX gdpr_requests_trigger_event_id_key ON kgc_support.gdpr_requests USING btree (trigger_event_id)
index CREATE UNIQUE INDEX gdpr_steps_pkey ON kgc_support.gdpr_steps USING btree (request_id, step)
index CREATE UNIQUE INDEX idempotency_pkey ON kgc_support.idempotency USING btree (key_id, idem_key)
index CREATE UNIQUE INDEX inventory_pkey ON kgc_erp.inventory USING btree (sku, location_id)
index CREATE UNIQUE INDEX locations_pkey ON kgc_erp.locations USING btree (id)
index CREATE UNIQUE INDEX machines_pkey ON kgc_erp.machines USING btree (id)
index CREATE UNIQUE INDEX migrations_pkey ON kgc_support.migrations USING btree (set_name, version)
index CREATE UNIQUE INDEX order_items_pkey ON kgc_erp.order_items USING btree (order_id, line_no)
index CREATE UNIQUE INDEX orders_pkey ON kgc_erp.orders USING btree (id)
index CREATE UNIQUE INDEX plugin_state_pkey ON kgc_support.plugin_state USING btree (singleton)
index CREATE UNIQUE INDEX products_pkey ON kgc_erp.products USING btree (sku)
index CREATE UNIQUE INDEX rentals_pkey ON kgc_erp.rentals USING btree (id)
index CREATE UNIQUE INDEX retention_runs_pkey ON kgc_support.retention_runs USING btree (kind)
index CREATE UNIQUE INDEX support_outbox_pkey ON kgc_erp.support_outbox USING btree (seq)
index CREATE UNIQUE INDEX webhook_secrets_fingerprint_key ON kgc_support.webhook_secrets USING btree (fingerprint)
index CREATE UNIQUE INDEX webhook_secrets_pkey ON kgc_support.webhook_secrets USING btree (id)
index CREATE UNIQUE INDEX worklogs_pkey ON kgc_erp.worklogs USING btree (id)

sequence kgc_erp.appointment_seq
sequence kgc_erp.support_outbox_seq_seq
sequence kgc_support.audit_log_id_seq
sequence kgc_support.events_seq_seq
sequence kgc_support.webhook_secrets_seq_seq

function kgc_erp.fold(text) RETURNS text LANGUAGE sql 2c9df78659bf6162daf949958426e0d0
function kgc_erp.support_outbox_notify() RETURNS trigger LANGUAGE plpgsql 49edad3a559071412e4e6db77069d4c6

trigger CREATE TRIGGER support_outbox_notify AFTER INSERT ON kgc_erp.support_outbox FOR EACH STATEMENT EXECUTE FUNCTION kgc_erp.support_outbox_notify()
