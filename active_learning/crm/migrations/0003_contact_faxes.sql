-- Fax numbers apart from phones: a card prints "Fax:" before a number nobody can call, and a
-- CRM that dialled it would reach a fax machine. E.164, as phones; existing rows have none.
ALTER TABLE contacts ADD COLUMN faxes text[] NOT NULL DEFAULT '{}';
