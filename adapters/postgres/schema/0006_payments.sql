-- Payments as the processor sees them: pending refunds settled later, refunds made outside
-- refundbot, charge totals and disputes reported by Stripe webhooks, and the events already
-- applied (Stripe redelivers and does not order them).

ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (
    'decide', 'execute', 'reconcile', 'slack_card', 'slack_action', 'slack_resolve',
    'slack_reminder', 'slack_summary', 'slack_command', 'slack_alert'));

-- 'pending': the processor accepted the refund but has not settled it; the request stays
-- EXECUTING until a webhook or the reconciliation job says how it ended.
ALTER TABLE executions DROP CONSTRAINT executions_state_check;
ALTER TABLE executions ADD CONSTRAINT executions_state_check
    CHECK (state IN ('started', 'pending', 'succeeded', 'failed'));
ALTER TABLE executions ADD COLUMN payment_reference text;
ALTER TABLE executions ADD COLUMN processor_status text;
ALTER TABLE executions ADD COLUMN error_code text;
ALTER TABLE executions ADD COLUMN customer_id text;
-- Set right before the processor is called: a started execution without it never reached the
-- processor, so its checks run again instead of being skipped as for a possibly sent refund.
ALTER TABLE executions ADD COLUMN sent_at timestamptz;
UPDATE executions SET sent_at = started_at;
UPDATE executions e SET customer_id = r.customer_id FROM requests r WHERE r.request_id = e.request_id;
CREATE INDEX executions_unsettled ON executions (started_at) WHERE state IN ('started', 'pending');
CREATE INDEX executions_by_refund ON executions (refund_id) WHERE refund_id IS NOT NULL;
CREATE INDEX executions_recent ON executions (started_at, customer_id);

-- Webhook events applied, by the processor's event id.
CREATE TABLE payment_events (
    source      text NOT NULL,
    event_id    text NOT NULL,
    event_type  text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, event_id)
);

-- Refunds the processor reports that refundbot did not make (the Stripe dashboard, another
-- tool): they count against what is still refundable on the payment.
CREATE TABLE external_refunds (
    source            text NOT NULL,
    refund_id         text NOT NULL,
    charge_id         text NOT NULL DEFAULT '',
    payment_intent_id text NOT NULL DEFAULT '',
    amount            minor_units NOT NULL CHECK (amount >= 0),
    currency          currency_code NOT NULL,
    status            text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, refund_id)
);
CREATE INDEX external_refunds_by_charge ON external_refunds (charge_id);
CREATE INDEX external_refunds_by_intent ON external_refunds (payment_intent_id);

-- The processor's own refunded total per charge (charge.refunded): a floor under what
-- refundbot's records add up to.
CREATE TABLE processor_charges (
    source            text NOT NULL,
    charge_id         text NOT NULL,
    payment_intent_id text NOT NULL DEFAULT '',
    amount            minor_units NOT NULL,
    amount_refunded   minor_units NOT NULL,
    currency          currency_code NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, charge_id)
);
CREATE INDEX processor_charges_by_intent ON processor_charges (payment_intent_id);

-- Disputes (chargebacks): the customer's chargeback count, and a block on refunding the
-- disputed payment. customer_id is refundbot's, found through requests on the payment.
CREATE TABLE chargebacks (
    source            text NOT NULL,
    dispute_id        text NOT NULL,
    charge_id         text NOT NULL DEFAULT '',
    payment_intent_id text NOT NULL DEFAULT '',
    customer_id       text,
    amount            minor_units NOT NULL,
    currency          currency_code NOT NULL,
    reason            text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT '',
    opened_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, dispute_id)
);
CREATE INDEX chargebacks_by_customer ON chargebacks (customer_id, opened_at);
CREATE INDEX chargebacks_by_charge ON chargebacks (charge_id);
CREATE INDEX chargebacks_by_intent ON chargebacks (payment_intent_id);

-- Requests by payment, for disputes and refunds reported against a charge.
CREATE INDEX requests_by_charge ON requests ((payload #>> '{order,payment,charge_id}'));
CREATE INDEX requests_by_intent ON requests ((payload #>> '{order,payment,payment_intent_id}'));

-- What the processor answered, in the tamper-evident trail (never the message text, which
-- the executions row keeps).
ALTER TABLE audit_log ADD COLUMN processor_status text;
ALTER TABLE audit_log ADD COLUMN error_code text;
