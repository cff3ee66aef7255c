-- Drafting help (issue 7): each brand's guidelines, as one JSON document
-- (assist.Guidelines), saved by compare-and-set on version. Their changes
-- go to the audit log (action 'guidelines', no draft), which is
-- append-only.

CREATE TABLE guidelines (
    brand_id   BIGINT  PRIMARY KEY REFERENCES brands(id),
    body       TEXT COLLATE "C"    NOT NULL,
    version    BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);

CREATE INDEX audit_by_brand_action ON audit (brand_id, action, id) WHERE draft_id IS NULL;
