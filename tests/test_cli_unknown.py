"""``csms unknown`` and the journeys it settles: a list creation whose answer was
lost, and an import batch of unknown outcome; on the simulator over loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.test_cli_call import ready_audio
from tests.test_cli_lists import contact_pages, write_csv
from tui.cli.main import main
from tui.config import data_dir
from tui.ledger import Ledger
from tui.simulator import Simulator


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_a_lost_list_creation_is_settled_by_its_id_then_the_import_goes_on(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    wanted = write_csv(account_env / "people.csv")
    people = str(account_env / "people.csv")
    simulator.faults.add("list", "drop", count=1)  # created, but the reply is lost
    assert main(["lists", "import", "Customers", people, "--yes"]) == 1
    capsys.readouterr()
    assert main(["unknown", "--json"]) == 0
    [entry] = _json(capsys)  # type: ignore[misc]
    assert entry["kind"] == "list" and entry["targets"] == ["Customers"]

    # Running it again meets the gateway's "Duplicate list name": it says what to do.
    assert main(["lists", "import", "Customers", people, "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"csms unknown settle {entry['id']} --list-id ID" in err

    [list_id] = [lst.id for lst in simulator.state.lists.values()]  # the portal shows it
    assert main(["unknown", "settle", str(entry["id"]), "--list-id", list_id]) == 0
    assert "importing into 'Customers' now adds to it" in capsys.readouterr().out
    assert main(["lists", "import", "Customers", people, "--yes"]) == 0
    assert sorted(simulator.state.lists[list_id].members) == sorted(wanted)
    assert contact_pages(simulator).count("list.jsp") == 2  # never a third creation
    capsys.readouterr()
    assert main(["unknown", "--json"]) == 0
    assert _json(capsys) == []


def test_settle_refuses_what_does_not_fit(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    simulator.faults.add("sendsms", "drop", count=1)
    assert main(["send", "--to", "03001234567", "--text", "hi"]) == 3
    capsys.readouterr()
    assert main(["unknown", "--json"]) == 0
    [entry] = _json(capsys)  # type: ignore[misc]
    assert main(["unknown", "settle", str(entry["id"]), "--list-id", "7", "--json"]) == 2
    refused = _json(capsys)
    assert refused == {
        "error": f"Unknown outcome {entry['id']} is not a list creation; settle it with"
        " --sent or --not-sent.",
        "code": "refused",
        "exit": 2,
    }
    assert main(["unknown", "settle", "999", "--sent"]) == 2
    assert "There is no unknown outcome 999" in capsys.readouterr().err
    assert main(["unknown", "settle", str(entry["id"]), "--not-sent"]) == 0
    assert "Settled as not sent" in capsys.readouterr().out
    assert main(["unknown", "settle", str(entry["id"]), "--sent"]) == 2
    assert "already settled" in capsys.readouterr().err


def test_resume_says_why_an_import_is_unfinished(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(account_env / "people.csv")
    simulator.faults.add("addcontacts", "drop", count=1)
    assert main(["lists", "import", "Customers", str(account_env / "people.csv"), "--yes"]) == 1
    capsys.readouterr()
    assert main(["lists", "resume"]) == 3  # not "nothing is waiting", not 0
    err = capsys.readouterr().err
    assert "the import into 'Customers' is unfinished: 1 batch of unknown outcome" in err
    assert main(["unknown", "--json"]) == 0
    [entry] = _json(capsys)  # type: ignore[misc]
    assert entry["ref"].startswith("import:")
    # The batch did arrive (the simulator executed it before dropping the reply).
    assert main(["unknown", "settle", str(entry["id"]), "--sent"]) == 0
    assert "members recorded" in capsys.readouterr().out
    assert main(["lists", "resume"]) == 0
    assert "No upload is waiting" in capsys.readouterr().out


def test_a_lost_upload_is_settled_by_its_file_id(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    ready_audio(simulator, "151", "Welcome")  # it reached the gateway; the answer did not
    with Ledger.open(data_dir("default") / "ledger.sqlite3") as ledger:
        lost = ledger.unknown.add_unknown(
            "audio", "audio_upload.jsp", "upload of the recording 'Welcome'", ["Welcome"],
            datetime.now(UTC),
        )  # fmt: skip
    assert main(["unknown", "settle", str(lost), "--file-id", "999", "--json"]) == 2
    assert "does not know an audio file 999" in _json(capsys)["error"]  # type: ignore[index]
    assert main(["unknown", "settle", str(lost), "--file-id", "151"]) == 0
    assert "'Welcome' recorded with file ID 151" in capsys.readouterr().out
    assert main(["call", "--to", "03001234567", "--audio", "Welcome", "--now"]) == 0
    assert [r.params["file_id"] for r in simulator.requests if r.page == "makecall.jsp"] == ["151"]


def test_a_recording_made_on_the_portal_is_added_by_its_file_id(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    ready_audio(simulator, "161", "Portal greeting")
    assert main(["audio", "add", "999", "--json"]) == 2
    assert "does not know an audio file 999" in _json(capsys)["error"]  # type: ignore[index]
    assert main(["audio", "add", "161", "--name", "Greeting"]) == 0
    assert "'Greeting' (file ID 161) added: Ready" in capsys.readouterr().out
    assert main(["audio", "add", "162", "--name", "greeting"]) == 2  # the name is in use
    capsys.readouterr()
    assert main(["call", "--to", "03001234567", "--audio", "Greeting", "--now"]) == 0
    assert [r.params["file_id"] for r in simulator.requests if r.page == "makecall.jsp"] == ["161"]
