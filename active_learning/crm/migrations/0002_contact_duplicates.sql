-- The same e-mail (case-insensitive) or phone on several live contacts. Reported, never merged:
-- two cards sharing a switchboard number are usually two different people.
CREATE VIEW contact_duplicates AS
SELECT 'email'::text AS kind,
       lower(e.value) AS value,
       array_agg(c.id ORDER BY c.id) AS contact_ids,
       array_agg(c.ls_task_id ORDER BY c.id) AS ls_task_ids
  FROM contacts c
 CROSS JOIN LATERAL unnest(c.emails) AS e(value)
 WHERE c.withdrawn_at IS NULL
 GROUP BY lower(e.value)
HAVING count(DISTINCT c.id) > 1
UNION ALL
SELECT 'phone'::text,
       p.value,
       array_agg(c.id ORDER BY c.id),
       array_agg(c.ls_task_id ORDER BY c.id)
  FROM contacts c
 CROSS JOIN LATERAL unnest(c.phones) AS p(value)
 WHERE c.withdrawn_at IS NULL
 GROUP BY p.value
HAVING count(DISTINCT c.id) > 1;

CREATE INDEX contacts_emails_idx ON contacts USING gin (emails);
CREATE INDEX contacts_phones_idx ON contacts USING gin (phones);
