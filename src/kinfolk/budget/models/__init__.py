"""The budget app's tables: one module per subject, re-exported here for Django."""
