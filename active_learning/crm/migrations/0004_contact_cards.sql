-- One contact per card, not per task: an image of several business cards is one Label Studio
-- task whose annotation holds one region group per card. ls_card is the card's outline region id
-- ('' for a task of one card without an outline, which every existing row is), and the unique
-- keys move from (project, task) to (project, task, card).
ALTER TABLE contacts ADD COLUMN ls_card text NOT NULL DEFAULT '';
ALTER TABLE contacts DROP CONSTRAINT contacts_project_task_key;
ALTER TABLE contacts ADD CONSTRAINT contacts_project_task_card_key UNIQUE (ls_project_id, ls_task_id, ls_card);

ALTER TABLE rejected_cards ADD COLUMN ls_card text NOT NULL DEFAULT '';
ALTER TABLE rejected_cards DROP CONSTRAINT rejected_cards_project_task_key;
ALTER TABLE rejected_cards ADD CONSTRAINT rejected_cards_project_task_card_key
    UNIQUE (ls_project_id, ls_task_id, ls_card);
