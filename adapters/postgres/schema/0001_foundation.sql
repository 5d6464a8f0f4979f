-- Foundation types every later table uses.
--
-- Money is integer minor units plus an ISO 4217 code, never a float (DEVELOPERS.md, "Money").
-- The domains make a table that stores money reject a float-ish or lower-case value at the
-- database too, not only in the parser.
CREATE DOMAIN currency_code AS char(3)
    CHECK (VALUE ~ '^[A-Z]{3}$');

CREATE DOMAIN minor_units AS bigint;

-- Append-only tables (the audit log first) attach this trigger to UPDATE and DELETE, so that
-- even a bug or an operator with SQL access cannot rewrite history without dropping the
-- trigger, which is itself visible in the schema.
CREATE FUNCTION refundbot_forbid_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
