"""The demo constellation: six communities of practice in one organization.

Written to read like real communities, so every page of a fresh install
shows something a visitor can judge it by.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    domain: str
    context: str
    sponsor: str
    visibility: str
    join_policy: str
    stage: str
    recognition: str
    cadence: str
    colour: str
    size: int
    # topic name -> situations people write about under that topic
    topics: dict[str, list[str]] = field(default_factory=dict)


COMMUNITIES = [
    DemoCommunity(
        slug="field-service",
        name="Field Service Engineers",
        domain="Keeping customers' machines running: diagnosing faults on site, working "
        "safely, and getting the right part to the right place the first time.",
        context="First-time fix rate is the service division's main measure; most of "
        "what raises it lives in engineers' heads rather than in manuals.",
        sponsor="Director of Customer Service",
        visibility="public",
        join_policy="open",
        stage="active",
        recognition="legitimized",
        cadence="fortnightly",
        colour="#2f6f5e",
        size=34,
        topics={
            "Diagnostics": [
                "an intermittent fault that never shows while you are on site",
                "error code E-214 after a firmware update",
                "a controller that reboots under load",
                "sensor drift on the older model line",
            ],
            "Safety": [
                "lock-out/tag-out on a customer site with its own rules",
                "working alone on a night call-out",
                "a customer asking us to bypass an interlock",
            ],
            "Customer visits": [
                "a customer angry about a repeat visit",
                "a site manager who will not sign the job sheet",
                "explaining a chargeable repair under a service contract",
            ],
            "Spare parts": [
                "a part that is out of stock for six weeks",
                "refurbished boards failing early",
                "van stock that never matches the system",
            ],
            "Onboarding": [
                "a new engineer's first solo call-out",
                "shadowing visits that teach nothing",
            ],
            "Firmware": [
                "rolling back a firmware update in the field",
                "upgrading units that have no network access",
            ],
        },
    ),
    DemoCommunity(
        slug="home-brewing",
        name="Home Brewing Circle",
        domain="Brewing beer at home and at the small pilot plant: recipes, ingredients, "
        "fermentation and the occasional disaster.",
        context="Started by people from the lab and the canteen; some of what we learn "
        "about fermentation control now feeds the pilot plant.",
        sponsor="",
        visibility="public",
        join_policy="open",
        stage="active",
        recognition="bootlegged",
        cadence="monthly",
        colour="#9a5b13",
        size=26,
        topics={
            "Hops": [
                "grassy flavours after dry hopping",
                "substituting Citra when it is sold out",
                "hop creep in a packaged beer",
            ],
            "Yeast": [
                "a stuck fermentation at 1.030",
                "harvesting and re-pitching yeast",
                "a lager yeast that throws sulphur",
            ],
            "Water": [
                "adjusting hard tap water for a pale ale",
                "chlorine off-flavours",
            ],
            "Fermentation": [
                "temperature control without a fridge",
                "a fermenter that bubbles for three weeks",
                "an infection that smells of vinegar",
            ],
            "Kegging": [
                "foamy pours from a new kegerator",
                "carbonating quickly for a party",
            ],
        },
    ),
    DemoCommunity(
        slug="data-science-guild",
        name="Data Science Guild",
        domain="Analysts, data scientists and ML engineers from every department, "
        "learning to build models and analyses the business can trust.",
        context="The guild is the place where modelling standards are agreed before "
        "they reach the architecture board.",
        sponsor="Chief Data Officer",
        visibility="members",
        join_policy="request",
        stage="coalescing",
        recognition="strategic",
        cadence="weekly",
        colour="#3b5bab",
        size=28,
        topics={
            "Modelling": [
                "a churn model that looks great offline and fails in production",
                "choosing between gradient boosting and a simple logistic model",
                "class imbalance in fraud data",
            ],
            "SQL": [
                "a warehouse query that got ten times slower overnight",
                "deduplicating customer records across systems",
            ],
            "Visualization": [
                "a dashboard nobody opens",
                "showing uncertainty to executives",
            ],
            "MLOps": [
                "retraining schedules for drifting models",
                "versioning training data",
                "monitoring a model without labels",
            ],
            "Migration": [
                "moving dashboards off the old warehouse",
                "totals that differ after a pipeline rewrite",
            ],
            "Experimentation": [
                "an A/B test stopped early by a product manager",
                "sample sizes for a small customer segment",
            ],
        },
    ),
    DemoCommunity(
        slug="nurse-educators",
        name="Clinical Nurse Educators",
        domain="Nurse educators across the hospital group sharing how they prepare "
        "new nurses and keep practice safe.",
        context="A private space: cases are discussed candidly and anonymized.",
        sponsor="Chief Nursing Officer",
        visibility="private",
        join_policy="invite",
        stage="active",
        recognition="strategic",
        cadence="monthly",
        colour="#8a3b6b",
        size=18,
        topics={
            "Onboarding": [
                "a new graduate who freezes during handover",
                "preceptors with no time to precept",
                "night-shift orientation",
            ],
            "Simulation": [
                "running a sepsis simulation with no sim lab",
                "debriefing a simulation that went badly",
            ],
            "Medication safety": [
                "a near miss with look-alike vials",
                "double-checking high-alert infusions",
            ],
            "Wound care": [
                "pressure injury staging disagreements",
                "teaching negative-pressure dressings",
            ],
        },
    ),
    DemoCommunity(
        slug="after-school",
        name="After-School Program Leaders",
        domain="People who run after-school programs in our partner cities, sharing "
        "what works for children, volunteers and funders.",
        context="Funding moved to the city councils last year; most programs now run "
        "on their own and the community meets less often.",
        sponsor="",
        visibility="public",
        join_policy="open",
        stage="dispersed",
        recognition="unrecognized",
        cadence="quarterly",
        colour="#1f6f8b",
        size=16,
        topics={
            "Funding": [
                "a grant renewal with new reporting rules",
                "charging fees without excluding families",
            ],
            "Onboarding": [
                "a volunteer's first afternoon alone with a group",
                "what to tell new staff in the first week",
            ],
            "Safety": [
                "a safeguarding concern on a field trip",
                "collecting children when a parent is late",
            ],
            "Volunteers": [
                "volunteers who stop coming after a month",
                "background checks that take too long",
            ],
            "Curriculum": [
                "homework help versus play",
                "a coding club with ten laptops for thirty children",
            ],
            "Partnerships": [
                "sharing a school building with the caretaker's rules",
                "working with the public library",
            ],
        },
    ),
    DemoCommunity(
        slug="cobol-keepers",
        name="Legacy Systems Keepers",
        domain="The people who kept the mainframe batch running for thirty years, and "
        "what they learned while it was migrated away.",
        context="The migration finished; members keep the stories and the lessons for "
        "the next large migration.",
        sponsor="Head of IT Operations",
        visibility="members",
        join_policy="invite",
        stage="memorable",
        recognition="transformative",
        cadence="none",
        colour="#5b5b5b",
        size=12,
        topics={
            "Batch": [
                "a nightly batch that overran into business hours",
                "restarting a failed job step safely",
            ],
            "Migration": [
                "reconciling totals between the old and the new system",
                "a copybook field with three meanings",
            ],
        },
    ),
]

FIRST_NAMES = [
    "Amara", "Ben", "Chen", "Dalia", "Emil", "Farah", "Gustavo", "Hana", "Ivan", "Jonas",
    "Keiko", "Lars", "Maya", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tariq",
    "Ulla", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia", "Aiko", "Bruno", "Carmen", "Dmitri",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Haddad", "Novak", "Tanaka", "Silva", "Brennan",
    "Kowalski", "Mensah", "Rossi", "Ahmed", "Jensen", "Castillo", "Weber", "Nakamura",
    "Osei", "Petrov", "Duarte", "Fischer",
]  # fmt: skip
ORG_UNITS = [
    "Service North", "Service South", "R&D Lab", "Pilot Plant", "Analytics", "Finance",
    "Nursing Education", "Ward 4B", "Community Programs", "IT Operations", "Customer Care",
]  # fmt: skip
LOCATIONS = ["Lyon", "Leeds", "Porto", "Gdańsk", "Accra", "Osaka", "Toronto", "Aarhus"]

# Title and opening text per kind of thread; {s} is a situation, {t} a topic.
KIND_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "problem_solving": [
        ("Stuck with {s}", "I have been fighting {s} for a week. What I tried so far:\n\n"
         "1. the usual checks from the guide\n2. asking the people on my team\n\n"
         "Can we brainstorm this together? Any idea is welcome."),
        ("Help me think through {s}", "Here is the situation: {s}. I have two options in "
         "mind and neither feels right. What would you do?"),
    ],
    "request_for_information": [
        ("Where is the guidance on {s}?", "I remember we had a document about {s}, but "
         "I cannot find it anywhere. Does anyone have the link?"),
        ("Who owns the process for {s}?", "Quick question: who do I talk to about {s}? "
         "The old contact has moved on."),
    ],
    "seeking_experience": [
        ("Has anyone dealt with {s}?", "Has anyone dealt with {s}? I would love to hear "
         "how it went for you, what you would do again and what you would avoid."),
        ("Experiences with {s}", "We are facing {s} for the first time. Stories from "
         "people who have been there would help a lot."),
    ],
    "reusing_assets": [
        ("Sharing my checklist for {s}", "I wrote a checklist for {s} last year. It is "
         "below; take it and adapt it.\n\n- prepare\n- check twice\n- write down what "
         "you changed\n\nTell me what you would add."),
        ("Template for {s}?", "Before I write one from scratch: does anyone have a "
         "template for {s} they could share?"),
    ],
    "coordination": [
        ("Let us combine efforts on {t}", "Several of us are working on {t} separately. "
         "Could we coordinate, share the load and avoid doing the same work twice?"),
    ],
    "discussing_developments": [
        ("What do you make of the new approach to {t}?", "The new approach to {t} was "
         "announced this month. Does it really help, or is it more paperwork?"),
    ],
    "documentation_project": [
        ("Let us write down how we handle {s}", "We have faced {s} five times now. Let "
         "us write it down once and for all. I started a draft; please add your steps."),
    ],
    "visit": [
        ("Could we visit a team that solved {s}?", "Can we come and see how another "
         "site handles {s}? Seeing it in practice would save us months."),
    ],
    "knowledge_mapping": [
        ("Who knows what about {t}?", "Let us map who knows what about {t}, and what we "
         "are missing. Reply with what you can help with and what you need."),
    ],
}  # fmt: skip

REPLIES = [
    "We had exactly this last spring. What worked for us was to slow down and check "
    "the basics first: in our case it was {t} all along.",
    "I would not do that. We tried it and it cost us two extra visits. Ask me about "
    "the details, happy to walk you through it.",
    "There is a short note on this in last year's review. The gist: document what "
    "you change, and change one thing at a time.",
    "Same problem here. Following this thread.",
    "Our team solved it with a simple checklist. I will post it below.",
    "It depends on the context: for small cases it is fine, for big ones talk to "
    "the coordinator first.",
    "I asked a colleague who handled {s} before: she says the root cause is usually "
    "upstream, not where you see the symptom.",
    "Thanks, this is really helpful. I tried it this morning and it worked.",
    "Could you say more about your setup? The answer is different for the older line.",
    "We wrote this down after the last incident; the key lesson was to involve the "
    "people on the ground early.",
]
