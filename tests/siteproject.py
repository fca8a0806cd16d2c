"""A small project that exercises every part of the site, hostile input included."""

from __future__ import annotations

from conftest import ProjectDir

TODAY = "2026-12-01"

CONFIG = """
    currency = "EUR"
    lost_reasons = ["price", "timing"]

    [site]
    title = "Test pipeline"

    [fields]
    industry = "text"
"""

CLIENTS = {
    "acme-tools": """
        ---
        name: Acme Tools
        company: Acme Tools Ltd
        contact: Ann Smith
        phone: "+353 1 555 0100"
        email: ann@acme.example
        website: https://acme.example
        owner: anna
        tags: [manufacturing, key-account]
        first_contact: 2026-09-01
        next_follow_up: 2026-11-25
        stage: proposal
        value: 10000
        industry: tools
        ---

        Makes **hand tools**. Wants [a quote](https://acme.example/rfq).

        - three sites
        - one buyer

        ## Log

        ### 2026-11-20 14:00 call: Asked for a revised quote
        She wants it *before* Friday.

        ### 2026-10-01 stage: lead -> proposal, 25% -> 60%
        Sent the proposal.

        ### 2026-09-01 email: First contact
        From the web form.
    """,
    "beta-cafes": """
        ---
        name: Beta Cafés
        owner: ben
        tags: [hospitality]
        phone: "+44 20 5550 0101"
        first_contact: 2026-06-01
        last_contact: 2026-11-28
        next_follow_up: 2026-12-01
        deals:
          - title: Espresso machines
            stage: qualified
            value: 5000
            currency: GBP
          - title: Service plan
            stage: lead
            value: 2000
          - title: Grinders
            stage: won
            value: 3000
            closed_on: 2026-10-15
        ---

        ## Log

        ### 2026-11-28 meeting: Tasting session
    """,
    "gamma-hotel": """
        ---
        name: Gamma Hotel
        owner: anna
        first_contact: 2026-09-01
        stage: lead
        ---
    """,
    "delta-group": """
        ---
        name: Delta Group
        owner: Carla Díaz
        tags: [key-account]
        email: c@delta.example
        first_contact: 2026-10-01
        next_follow_up: 2026-12-05
        stage: negotiation
        probability: 90
        value: 80000
        ---

        ## Log

        ### 2026-11-30 message: Board approved the budget
    """,
    "epsilon-bar": """
        ---
        name: Epsilon Bar
        owner: ben
        first_contact: 2026-05-01
        stage: lost
        value: 7000
        closed_on: 2026-11-10
        lost_reason: price
        ---
    """,
    "evil-corp": """
        ---
        name: "<script>alert('name')</script> Evil & Co"
        company: "<img src=x onerror=alert('company')>"
        owner: "</script><script>alert('owner')</script>"
        tags: ["<img src=x onerror=alert('tag')>",
               "x</script><script>alert(1)</script>"]
        title: '"><svg onload=alert(1)>'
        website: "javascript:alert('website')"
        email: "a@b.example\\"><script>alert('email')</script>"
        phone: "javascript:alert('phone')"
        first_contact: 2026-11-01
        next_follow_up: 2026-11-20
        stage: lead
        value: 1000
        ---

        <script>alert('notes')</script>

        <img src=x onerror="alert('img')">

        [js](javascript:alert('link')) [vb](vbscript:msgbox)
        [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
        [JS](JaVaScRiPt:alert('case'))

        <a href="jav&#x09;ascript:alert('tab')">tab</a>
        <a href="https://ok.example" onclick="alert('click')">ok link</a>

        <iframe src="javascript:alert('frame')"></iframe>

        <div onmouseover="alert('hover')" id="injected">hover</div>

        ![remote](https://evil.example/track.png)

        <style>body { display: none }</style>

        <form action="https://evil.example"><input name="x"></form>

        ## Log

        ### 2026-11-02 call: <b onclick=alert(1)>summary</b>
        <script>document.body.appendChild(document.createElement('injected'))</script>
        <svg><script>alert('svg')</script></svg>
    """,
    "broken": """
        ---
        company: No Name Ltd
        first_contact: 2026-11-01
        stage: lead
        nxt_follow_up: 2026-12-03
        ---
    """,
}


def write_project(project: ProjectDir) -> ProjectDir:
    """Write the configuration and every client of the test project."""
    project.write("crmgen.toml", CONFIG)
    for client_id, text in CLIENTS.items():
        project.client(client_id, text)
    return project
