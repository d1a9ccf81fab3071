-- A row of a file that an import lists but does not write (an OpenStreetMap candidate that is ambiguous, outside the
-- province or of no known level): action SKIP, with its reason in the item's note (issue 12).
ALTER TABLE data_import_item DROP CONSTRAINT data_import_item_action_check;
ALTER TABLE data_import_item ADD CONSTRAINT data_import_item_action_check CHECK (action IN ('ADD', 'CHANGE', 'UNCHANGED', 'REMOVE', 'KEEP', 'SKIP'));
