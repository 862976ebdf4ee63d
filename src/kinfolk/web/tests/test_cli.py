from typer.testing import CliRunner

from kinfolk.web.cli import app


def test_tick_runs_each_job_and_says_what_it_did(db, monkeypatch, tmp_path):
    monkeypatch.setenv("KINFOLK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "tests-only")
    result = CliRunner().invoke(app, ["tick"])
    assert result.exit_code == 0, result.output
    assert "invitations_purge:" in result.output


def test_help_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])
    for command in (
        "demo",
        "serve",
        "worker",
        "tick",
        "backup",
        "restore",
        "manage",
        "synth",
        "match",
    ):
        assert command in result.output
