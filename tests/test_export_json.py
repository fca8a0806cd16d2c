"""`crmgen export json`: the model as one document."""

from __future__ import annotations

import json

from conftest import REPO, ProjectDir


def test_document_shape_and_values(project: ProjectDir) -> None:
    project.write("crmgen.toml", "today = 2026-03-20\n")
    project.client(
        "acme",
        """
        ---
        name: Acme
        phone: "0123"
        first_contact: 2026-01-05
        next_follow_up: 2026-03-01
        stage: proposal
        probability: 70
        value: 1000
        call_window: 10:30
        ---
        Notes here.

        ## Log

        ### 2026-03-10 09:15 call: pricing
        Talked.

        ### 2026-02-01 stage: lead -> proposal, 25% -> 70%
        """,
    )
    project.client("broken", "no front matter\n")
    result = project.run("export", "json")
    assert result.status == 0, result
    document = json.loads(result.out)
    assert document["version"] == 1
    assert document["today"] == "2026-03-20"
    [client] = document["clients"]
    assert {
        k: client[k]
        for k in (
            "id",
            "path",
            "name",
            "phone",
            "first_contact",
            "call_window",
            "last_contact",
            "overdue",
            "stale",
            "no_next_step",
            "notes",
        )
    } == {
        "id": "acme",
        "path": "clients/acme.md",
        "name": "Acme",
        "phone": "0123",
        "first_contact": "2026-01-05",
        "call_window": "10:30",
        "last_contact": "2026-03-10",
        "overdue": True,
        "stale": False,
        "no_next_step": False,
        "notes": "Notes here.",
    }
    [deal] = client["deals"]
    assert {
        k: deal[k]
        for k in (
            "title",
            "stage",
            "probability",
            "value",
            "currency",
            "weighted_value",
            "open",
            "expected_close",
            "closed_on",
            "lost_reason",
        )
    } == {
        "title": "Acme",
        "stage": "proposal",
        "probability": 70,
        "value": 1000,
        "currency": "EUR",
        "weighted_value": 700.0,
        "open": True,
        "expected_close": None,
        "closed_on": None,
        "lost_reason": None,
    }
    assert [
        (e["date"], e["time"], e["kind"], e["summary"], e["line"])
        for e in client["log"]
    ] == [
        ("2026-03-10", "09:15", "call", "pricing", 15),
        ("2026-02-01", None, "stage", "lead -> proposal, 25% -> 70%", 18),
    ]
    assert client["log"][1]["change"] == {
        "deal": None,
        "from": "lead",
        "to": "proposal",
        "probability_before": 25,
        "probability_after": 70,
    }
    assert [(p["path"], p["line"], p["code"]) for p in document["problems"]] == [
        ("clients/acme.md", 9, "unknown-key"),
        ("clients/broken.md", 1, "no-front-matter"),
    ]


def test_today_flag_and_output_file(project: ProjectDir) -> None:
    project.client(
        "acme", "---\nname: A\nfirst_contact: 2026-01-05\nstage: lead\n---\n"
    )
    out = project.root / "out.json"
    result = project.run("export", "json", "--today", "2026-01-06", "-o", str(out))
    assert result.status == 0 and result.out == ""
    document = json.loads(out.read_text())
    assert document["today"] == "2026-01-06"
    assert document["clients"][0]["stale"] is False


def test_the_text_is_the_dumped_document(project: ProjectDir) -> None:
    import json

    from crmgen.document import document_text, project_document
    from crmgen.loader import load_project

    assert document_text(load_project(project.root)).endswith(
        '"clients": [],\n  "problems": []\n}\n'
    )
    project.client(
        "b",
        "---\nname: 'x \"\\n</script>'\nfirst_contact: 2026-01-05\n"
        "stage: lead\ntags: [a, b]\n---\n## Log\n### 2026-01-06 call\n",
    )
    project.client("a", "no front matter\n")
    for root in (project.root, REPO):
        loaded = load_project(root)
        expected = json.dumps(project_document(loaded), indent=2, ensure_ascii=False)
        assert document_text(loaded) == expected + "\n"
