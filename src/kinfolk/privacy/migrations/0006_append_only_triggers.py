"""On PostgreSQL, the database itself refuses edits of the access log and of consent wording.

The access log (charter rule 5) may only grow: a row is inserted, and the
day's row of the same reader counts further reads (fields, reasons, reads,
time of the last read).  Who read, whose details and which day never change,
no row is deleted, and the reader's first name may only be blanked (their
erasure).  Consent documents are never changed at all.  SQLite has no
roles to protect against, so only the application's own paths guard it there.
"""

from django.db import migrations

ACCESS_LOG = """
CREATE OR REPLACE FUNCTION privacy_access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the contact access log cannot be deleted from';
    END IF;
    IF NEW.viewer_id IS DISTINCT FROM OLD.viewer_id
        OR NEW.viewer_role IS DISTINCT FROM OLD.viewer_role
        OR NEW.viewer_is_site_admin IS DISTINCT FROM OLD.viewer_is_site_admin
        OR NEW.appointed_by_id IS DISTINCT FROM OLD.appointed_by_id
        OR NEW.appointed_at IS DISTINCT FROM OLD.appointed_at
        OR NEW.person_kind IS DISTINCT FROM OLD.person_kind
        OR NEW.person_id IS DISTINCT FROM OLD.person_id
        OR NEW.day IS DISTINCT FROM OLD.day
        OR NEW.reads < OLD.reads
        OR NEW.last_read_at < OLD.last_read_at
        OR (NEW.viewer_label IS DISTINCT FROM OLD.viewer_label AND NEW.viewer_label <> '')
        OR (NEW.appointed_by_label IS DISTINCT FROM OLD.appointed_by_label
            AND NEW.appointed_by_label <> '')
    THEN
        RAISE EXCEPTION 'the contact access log cannot be edited';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_access_log_append_only
    BEFORE UPDATE OR DELETE ON privacy_contactaccesslog
    FOR EACH ROW EXECUTE FUNCTION privacy_access_log_append_only();
"""

CONSENT_DOCUMENT = """
CREATE OR REPLACE FUNCTION privacy_consent_document_unchanged() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent wording is never edited or deleted: add a new version';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_consent_document_unchanged
    BEFORE UPDATE OR DELETE ON privacy_consentdocument
    FOR EACH ROW EXECUTE FUNCTION privacy_consent_document_unchanged();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_access_log_append_only ON privacy_contactaccesslog;
DROP FUNCTION IF EXISTS privacy_access_log_append_only();
DROP TRIGGER IF EXISTS privacy_consent_document_unchanged ON privacy_consentdocument;
DROP FUNCTION IF EXISTS privacy_consent_document_unchanged();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_consent_documents")]

    operations = [
        migrations.RunPython(
            _on_postgresql(ACCESS_LOG + CONSENT_DOCUMENT), _on_postgresql(DROP), elidable=False
        )
    ]
