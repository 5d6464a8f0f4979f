-- Helpdesk updates (the customer's reply and the agents' note on the ticket) run as jobs, one
-- per request version that reached a state the customer hears about.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (
    'decide', 'execute', 'reconcile', 'slack_card', 'slack_action', 'slack_resolve',
    'slack_reminder', 'slack_summary', 'slack_command', 'slack_alert', 'helpdesk_update'));

-- Refunds made in the shop (Shopify refunds/create) are matched to requests by order id.
ALTER TABLE external_refunds ADD COLUMN order_id text NOT NULL DEFAULT '';
CREATE INDEX external_refunds_by_order ON external_refunds (order_id) WHERE order_id <> '';
